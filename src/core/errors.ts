// Typed errors carrying an HTTP status and a machine-readable code, so every
// layer can throw and the API answers {error: {code, message, details?}}.

export class RadarError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'RadarError';
  }
  toJSON() {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

export const badRequest = (code: string, message: string, details?: Record<string, unknown>) =>
  new RadarError(400, code, message, details);
export const notFound = (code: string, message: string, details?: Record<string, unknown>) =>
  new RadarError(404, code, message, details);
export const conflict = (code: string, message: string, details?: Record<string, unknown>) =>
  new RadarError(409, code, message, details);
export const unavailable = (code: string, message: string, details?: Record<string, unknown>) =>
  new RadarError(503, code, message, details);

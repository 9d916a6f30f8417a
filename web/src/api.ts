// Thin fetch wrapper: JSON in and out, the session cookie, the CSRF header the
// server asks of cookie-authenticated writes, and errors as ApiError.

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details?: Record<string, any>) {
    super(message);
  }
}

export async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { 'x-radar-csrf': '1', accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'network', '서버에 연결할 수 없습니다 (network error)');
  }
  const text = await res.text();
  let data: any = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = text;
  }
  if (!res.ok) {
    const e = data?.error;
    throw new ApiError(res.status, e?.code ?? `http_${res.status}`, e?.message ?? res.statusText, e?.details);
  }
  return data as T;
}

export const get = <T = any>(path: string) => api<T>('GET', path);
export const post = <T = any>(path: string, body: unknown = {}) => api<T>('POST', path, body);
export const patch = <T = any>(path: string, body: unknown) => api<T>('PATCH', path, body);

/** Query string from an object, dropping empty values. */
export function qs(params: Record<string, unknown>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '' && v !== false) p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** Downloads a file from the API through the browser (cookie auth), keeping the server's file name. */
export async function download(path: string): Promise<void> {
  const res = await fetch(path, { credentials: 'same-origin', headers: { 'x-radar-csrf': '1' } });
  if (!res.ok) {
    let msg = res.statusText;
    try {
      msg = (await res.json()).error.message;
    } catch { /* not JSON */ }
    throw new ApiError(res.status, 'download_failed', msg);
  }
  const blob = await res.blob();
  const cd = res.headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
  const plain = /filename="([^"]+)"/i.exec(cd);
  const name = star ? decodeURIComponent(star[1]) : plain ? plain[1] : path.split('/').pop()!.split('?')[0];
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// ---- shapes the console reads ----

export interface Me {
  user: { id: string | null; username: string; role: string; mustChangePassword: boolean };
  permissions: string[];
}

export interface ContextLine { utteranceId: string; speaker: 'customer' | 'agent'; startMs: number; text: string }

export interface Alert {
  id: string; callId: string; ruleId: string; category: string; severity: number; status: string; statusReason: string | null;
  caseId: string | null; hitCount: number; firstHitAt: string; lastHitAt: string; speaker: 'customer' | 'agent'; startMs: number;
  utteranceId: string; match: string; term: string; explanation: string; negated: boolean; context: ContextLine[];
  createdAt: string; updatedAt: string; repeat?: boolean; customerId?: string | null;
}

export interface Hit {
  ruleId: string; category: string; severity: number; utteranceId: string; speaker: string; start: number; end: number;
  match: string; term: string; negated: boolean; provisional?: boolean; distance: number; startMs: number; explanation: string;
  alertId?: string | null;
}

export interface Call {
  id: string; customerId: string | null; agentId: string | null; startedAt: string; endedAt: string | null; source: string;
  metadata: Record<string, unknown>; riskScore: number; repeat?: boolean; categories?: string[];
}

export interface Utterance { id: string; speaker: 'customer' | 'agent'; startMs: number; endMs: number; text: string; final?: boolean; seq?: number }

export interface Case {
  id: string; number: number; ref: string; title: string; description: string; status: string; statusReason: string | null;
  category: string | null; severity: number; customerId: string | null; assigneeId: string | null; assigneeName: string | null;
  dueAt: string; overdue: boolean; source: string; repeatCount: number; repeatOf: string | null; repeat: boolean;
  lastContactAt: string; createdBy: string | null; createdAt: string; updatedAt: string; resolvedAt: string | null;
  closedAt: string | null; alertCount: number; callCount: number;
}

export interface CaseDetail {
  case: Case;
  notes: { id: string; authorName: string; body: string; createdAt: string }[];
  attachments: { id: string; filename: string; contentType: string; size: number; uploadedBy: string; createdAt: string }[];
  alerts: Alert[];
  calls: Call[];
  history: { id: number; at: string; actorName: string; type: string; details: Record<string, any> }[];
  related: Case[];
}

export interface CaseSettings {
  statuses: { id: string; ko: string; en: string; next: string[] }[];
  slaDays: Record<string, number>;
  repeatWindowDays: number;
  maxAttachmentBytes: number;
}

/** A file's bytes as base64 (uploads travel in JSON bodies); read in chunks so large files do not overflow the stack. */
export async function fileBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

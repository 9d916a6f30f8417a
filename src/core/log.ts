import { pino, type Logger } from 'pino';

export type { Logger };

// Structured JSON logs. Transcript text never goes into a log line: callers log
// ids and counts, and the redact paths below catch the usual field names.
export function createLogger(level = process.env.LOG_LEVEL || 'info'): Logger {
  return pino({
    level,
    base: { service: 'minwon-radar' },
    redact: { paths: ['text', '*.text', 'password', '*.password', 'req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
  });
}

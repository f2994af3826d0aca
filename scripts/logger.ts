import pino, { type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout; `component` tells which part of the system spoke. */
export function createLogger(level: string, component: string): Logger {
  return pino({ level, base: { component }, timestamp: pino.stdTimeFunctions.isoTime, redact: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.passwordHash'] });
}

// What activities/ (and api/, through api/ports.ts) need from the outside world, passed in by scripts/ and test/support.

/** A structured logger: fields first, then the message (the call shape of pino, which scripts/logger.ts provides). */
export interface Logger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

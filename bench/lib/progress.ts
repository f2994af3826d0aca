/** A progress line on stderr: rewritten in place on a terminal, one line every few seconds otherwise. */
const tty = Boolean(process.stderr.isTTY);
let lastPrinted = 0;
let dirty = false;

export function progress(text: string, force = false): void {
  const now = Date.now();
  if (tty) {
    process.stderr.write(`\r\x1b[2K${text}`);
    dirty = true;
  } else if (force || now - lastPrinted >= 5000) {
    process.stderr.write(`${text}\n`);
    lastPrinted = now;
  }
}

/** A finished step: ends any in-place line and prints the message on its own line. */
export function step(text: string): void {
  if (tty && dirty) process.stderr.write('\r\x1b[2K');
  dirty = false;
  process.stderr.write(`[bench] ${text}\n`);
}

/** Calls report(elapsedSeconds) every second until the returned stop function is called. */
export function ticker(report: (elapsedS: number) => string): () => void {
  const started = Date.now();
  const timer = setInterval(() => progress(report((Date.now() - started) / 1000)), 1000);
  return () => {
    clearInterval(timer);
    if (tty && dirty) process.stderr.write('\r\x1b[2K');
    dirty = false;
  };
}

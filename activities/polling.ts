/**
 * The loop every poller of a worker process runs (the outbox sender, the IMAP poller, the inbound-mail recovery
 * sweep): run the work, wait `everyMs` after it ends, run it again — at once when it says there is more (a full
 * batch) — until stopped. A failure is reported and the loop goes on; `stop()` waits for the run in flight.
 */
export interface Polling {
  stop(): Promise<void>;
}

export function startPolling(o: { everyMs: number; firstDelayMs?: number; work: () => Promise<boolean | void>; onError: (err: Error) => void }): Polling {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    running = (async () => {
      try {
        while (!stopped && (await o.work()) === true);
      } catch (err) {
        o.onError(err as Error);
      }
      if (!stopped) timer = setTimeout(tick, o.everyMs);
    })();
  };
  if (o.firstDelayMs) timer = setTimeout(tick, o.firstDelayMs);
  else tick();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

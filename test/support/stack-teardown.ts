import { TEST_ENV } from './env';

const g = globalThis as typeof globalThis & { __ticketflowStack?: { pg?: { stop(): Promise<void> }; temporal?: { stop(): Promise<void> } } };

export default async function stackTeardown(): Promise<void> {
  const users = Number(process.env[TEST_ENV.stackUsers] ?? '1') - 1;
  process.env[TEST_ENV.stackUsers] = String(users);
  if (users > 0) return;
  const stack = g.__ticketflowStack;
  await Promise.all([stack?.temporal?.stop(), stack?.pg?.stop()]);
}

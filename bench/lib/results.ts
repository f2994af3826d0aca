/** Machine description and the results JSON file (bench/results/<name>.json). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, release } from 'node:os';
import { join, relative } from 'node:path';

export const BENCH_DIR = join(__dirname, '..');
export const RESULTS_DIR = join(BENCH_DIR, 'results');

export function machine() {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    kernel: release(),
  };
}

/** bench/results/<name>.json, or <name>-<BENCH_RESULTS_SUFFIX>.json to keep a variant's run beside the default's. */
export function writeResults(name: string, data: Record<string, unknown>): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const suffix = process.env.BENCH_RESULTS_SUFFIX?.replace(/[^a-z0-9_-]/gi, '');
  const file = join(RESULTS_DIR, `${name}${suffix ? `-${suffix}` : ''}.json`);
  writeFileSync(file, JSON.stringify({ bench: name, finishedAt: new Date().toISOString(), machine: machine(), ...data }, null, 2) + '\n');
  return relative(process.cwd(), file);
}

/** A positive integer from the environment, or the default (the issue's size). */
export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, got "${raw}"`);
  return n;
}

/** A comma-separated list of positive integers (concurrency levels), or the default. */
export function envIntList(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (!raw) return fallback;
  const list = raw.split(',').map((s) => Number(s.trim()));
  if (list.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`${name} must be a list of whole numbers like "1,8,32", got "${raw}"`);
  return list;
}

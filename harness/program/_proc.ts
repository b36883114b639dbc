/**
 * Reading `/proc`: every function is synchronous (no disk is involved) and treats a process that
 * is gone, or a file it cannot read, as empty.
 *
 * @module
 */
import type { ProcessInfo } from "./process_info.ts";

/**
 * Clock ticks per second in `/proc/PID/stat` (`getconf CLK_TCK`): the kernel's USER_HZ, 100 on
 * every architecture Linux exposes it on.
 */
const CLOCK_TICKS_PER_SECOND = 100;

/** A file's text, or `undefined` when it cannot be read. */
export function readText(path: string): string | undefined {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return undefined;
  }
}

/** The targets of a process's open file descriptors, e.g. `socket:[1234]`. */
export function fdLinks(pid: number): string[] {
  const links: string[] = [];
  try {
    for (const entry of Deno.readDirSync(`/proc/${pid}/fd`)) {
      try {
        links.push(Deno.readLinkSync(`/proc/${pid}/fd/${entry.name}`));
      } catch {
        // closed between the listing and the read
      }
    }
  } catch {
    // gone, or a zombie
  }
  return links;
}

/** One process's `/proc/PID/stat`, or `undefined` when it is gone. */
export function statOf(pid: number): ProcessInfo | undefined {
  const text = readText(`/proc/${pid}/stat`);
  return text === undefined ? undefined : parseStat(text);
}

/** The last scan of `/proc`, shared by every caller in this process. */
let lastScan: { atMs: number; processes: ProcessInfo[] } | undefined;

/**
 * Every process on the machine that could be read, zombies included. With `maxAgeMs`, the last
 * scan if it is that recent: a scan reads every process's stat synchronously (about 10 µs each),
 * and the watchdogs of many launched programs on a machine with thousands of processes would
 * otherwise starve the event loop.
 */
export function allProcesses(maxAgeMs = 0): ProcessInfo[] {
  const now = performance.now();
  if (lastScan !== undefined && maxAgeMs > 0 && now - lastScan.atMs <= maxAgeMs) {
    return lastScan.processes;
  }
  const processes: ProcessInfo[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    const info = statOf(Number(entry.name));
    if (info !== undefined) processes.push(info);
  }
  lastScan = { atMs: now, processes };
  const started = new Map(processes.map((p) => [p.pid, p.startTime]));
  for (const [pid, seen] of environs) {
    if (started.get(pid) !== seen.startTime) environs.delete(pid);
  }
  return processes;
}

/** The entries of `/proc/PID/environ` read so far, by pid, with the start time they belong to. */
const environs = new Map<number, { startTime: number; entries: Set<string> }>();

/**
 * Whether a process's environment holds `entry` (`NAME=VALUE`). A process's environment is read
 * once in its life (its pid and start time), as it is set at its birth and only an exec of its
 * own replaces it: the hard look for a program's processes asks this of every process on the
 * machine, several times each time a program is closed.
 *
 * @example
 * ```ts
 * import { allProcesses, environHas } from "./_proc.ts";
 * const me = allProcesses().find((p) => p.pid === Deno.pid)!;
 * environHas(me, "NO_SUCH_ENTRY=1"); // false
 * ```
 */
export function environHas(p: Pick<ProcessInfo, "pid" | "startTime">, entry: string): boolean {
  const seen = environs.get(p.pid);
  if (seen?.startTime === p.startTime) return seen.entries.has(entry);
  const text = readText(`/proc/${p.pid}/environ`);
  const entries = new Set(text?.split("\0"));
  // Nothing read (gone, not ours to read, a kernel thread, or in the middle of an exec): ask again.
  if (text) environs.set(p.pid, { startTime: p.startTime, entries });
  return entries.has(entry);
}

/** Parses `pid (comm) state ppid pgrp session ...`; comm may itself hold spaces and `)`. */
export function parseStat(text: string): ProcessInfo | undefined {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return undefined;
  const rest = text.slice(close + 2).trim().split(" ");
  // rest[0] is field 3 of proc(5), state; utime is field 14, num_threads 20, starttime 22
  const field = (n: number) => Number(rest[n - 3]);
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state: rest[0],
    ppid: field(4),
    pgid: field(5),
    sid: field(6),
    cpuMs: (field(14) + field(15)) * 1000 / CLOCK_TICKS_PER_SECOND,
    threads: field(20),
    startTime: field(22),
  };
}

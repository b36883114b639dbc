/**
 * The child process of `deno task bench:grade`: runs one command (`grade` or `conform`) in this
 * process with the arguments given, its output thrown away, and prints one JSON line with its exit
 * code, wall time, the CPU time this process used (user + system) and its peak resident memory,
 * read from `/proc/self` (Linux; `null` elsewhere).
 *
 *     deno run --allow-all harness/bench/_measure.ts grade --roster r.csv --out grades
 *
 * @module
 */
import { readProcess } from "../program/mod.ts";
import { conform } from "../cli/conform.ts";
import { grade } from "../cli/grade.ts";

/** What one measured command cost. */
export interface Measured {
  code: number;
  wallMs: number;
  /** User + system CPU of the whole process, Deno's start-up included. */
  cpuMs: number | null;
  /** Peak resident set size (VmHWM), in bytes. */
  peakRssBytes: number | null;
  /** The largest V8 heap (`heapTotal`) and off-heap memory (`external`) seen, sampled every 100 ms. */
  peakHeapBytes: number;
  peakExternalBytes: number;
}

/** CPU time (user + system) of this process so far, in milliseconds, from `/proc/PID/stat`. */
function cpuMs(): number | null {
  return readProcess(Deno.pid)?.cpuMs ?? null;
}

/** The peak resident set size of this process, in bytes, from `/proc/self/status`. */
function peakRssBytes(): number | null {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(Deno.readTextFileSync("/proc/self/status"));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

if (import.meta.main) {
  const [command, ...args] = Deno.args;
  const commands: Record<string, typeof grade> = { grade, conform };
  const run = commands[command];
  if (!run) {
    console.error(`Usage: _measure.ts grade|conform ARGS… (got "${command ?? ""}")`);
    Deno.exit(2);
  }
  const quiet = { out: () => {}, err: (l: string) => console.error(l) };
  const peak = { heap: 0, external: 0 };
  const sample = () => {
    const m = Deno.memoryUsage();
    peak.heap = Math.max(peak.heap, m.heapTotal);
    peak.external = Math.max(peak.external, m.external);
  };
  const sampler = setInterval(sample, 100);
  const started = performance.now();
  const code = await run(args, { io: quiet, color: false });
  clearInterval(sampler);
  sample();
  const measured: Measured = {
    code,
    wallMs: Math.round(performance.now() - started),
    cpuMs: cpuMs(),
    peakRssBytes: peakRssBytes(),
    peakHeapBytes: peak.heap,
    peakExternalBytes: peak.external,
  };
  console.log(JSON.stringify(measured));
  Deno.exit(0);
}

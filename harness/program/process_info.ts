/**
 * What sockspec knows about one process of a program under test (from `/proc`).
 *
 * @module
 */
/** One process, as `/proc/PID/stat` describes it. */
export interface ProcessInfo {
  /** Process id. */
  pid: number;
  /** Parent's process id (1, or a subreaper, once the parent is gone). */
  ppid: number;
  /** Process group id. */
  pgid: number;
  /** Session id. */
  sid: number;
  /** One letter: `R` running, `S` sleeping, `D` disk wait, `Z` zombie, `T` stopped, ... */
  state: string;
  /** The executable's name, at most 15 characters; may contain spaces and parentheses. */
  comm: string;
  /** Number of threads (1 for a single-threaded process). */
  threads: number;
  /** When it started, in clock ticks since boot; with `pid`, names a process for good. */
  startTime: number;
  /** User plus system CPU time so far, in milliseconds (in steps of 10 ms). */
  cpuMs: number;
}

/**
 * The program under test as a case sees it, when sockspec launched it (`conform --exec`): its
 * processes and what they use, and a planned stop and start. The application that launched it
 * implements {@linkcode ProgramUnderTest}; the engine only passes it to the cases
 * (`t.program`), and the run's report carries what happened to it ({@linkcode ProgramReport}).
 *
 * @module
 */
import type { Limits, ProcessInfo } from "./program/mod.ts";

export type { Limits, ProcessInfo };

/** One process of the program, and what it uses. */
export interface ProgramProcess extends ProcessInfo {
  /** Open file descriptors, sockets included (0 for a zombie). */
  fds: number;
  /** Resident memory in bytes (0 for a zombie). */
  rssBytes: number;
  /**
   * Milliseconds it ran or waited for a CPU (`/proc/PID/schedstat`; its CPU time where the kernel
   * does not keep that): a busy loop is runnable all the time, even on a machine too loaded to
   * give it a whole CPU.
   */
  runnableMs: number;
  /**
   * Whether every thread of it is asleep (state `S`: waiting in accept(), recv(), poll() or a
   * sleep), so it has handled every event that reached it; `false` for a zombie.
   */
  asleep: boolean;
}

/** The program's processes at one moment. */
export interface ProgramSnapshot {
  /** The pid of its main process (the one sockspec started); it changes with every start. */
  mainPid: number;
  /** Whether the main process is running. */
  running: boolean;
  /** Every process of the program, zombies included, by ascending pid. */
  processes: ProgramProcess[];
}

/**
 * The processes of a snapshot that are alive: not zombies (`Z`) or dead (`X`).
 *
 * @example
 * ```ts
 * import { liveProcesses, type ProgramSnapshot } from "./watched_program.ts";
 * const snapshot = { mainPid: 1, running: true, processes: [] } as ProgramSnapshot;
 * console.log(liveProcesses(snapshot).length); // 0
 * ```
 */
export function liveProcesses(snapshot: ProgramSnapshot): ProgramProcess[] {
  return snapshot.processes.filter((p) => p.state !== "Z" && p.state !== "X");
}

/** How a planned stop went. */
export interface StopResult {
  /** Whether the main process exited within the grace time after the signal. */
  exitedInTime: boolean;
  /** Milliseconds from the signal until the main process exited or was killed. */
  ms: number;
  /** How it ended, in one clause: `exited with status 0`, `killed by SIGTERM (signal 15), ...`. */
  description: string;
}

/** How a start went: serving, or why not, in one line with the program's last stderr lines. */
export type StartResult =
  | { ok: true; ms: number }
  | {
    ok: false;
    /** `exited` before it served, bound the `wrong-port`, `timeout`, or the `command` failed. */
    reason: "exited" | "wrong-port" | "timeout" | "command";
    ms: number;
    /** One line, e.g. `server exited with status 1 before it served TCP 127.0.0.1:41235`. */
    message: string;
    /** The last lines it wrote to stderr. */
    stderrTail: string[];
  };

/**
 * The program under test, for the `process.*` cases. A case that stops it must start it again (or
 * leave it stopped for the run to restart on fresh ports); the run does not count a planned stop
 * as a crash.
 */
export interface ProgramUnderTest {
  /** A name for messages, e.g. `echo_fork`. */
  readonly label: string;
  /** The limits it runs under. */
  readonly limits: Readonly<Limits>;
  /** Its processes and what they use, read from `/proc` now. */
  snapshot(): ProgramSnapshot;
  /**
   * Sends `signal` (default SIGTERM) to its process group and waits up to `graceMs` (default
   * 2000) for the main process to exit, then kills every process that is left.
   */
  stop(options?: { signal?: Deno.Signal; graceMs?: number }): Promise<StopResult>;
  /** Starts it again on the ports it had, and waits until it serves them (or says why not). */
  start(): Promise<StartResult>;
}

/** How one start of the program ended. */
export interface ProgramEnd {
  /** When, as an ISO 8601 time. */
  at: string;
  /** The exit status, or `null` when a signal ended it. */
  code: number | null;
  /** The signal that ended it (`SIGSEGV`), or `null`. */
  signal: string | null;
  /** One clause: `killed by SIGSEGV (signal 11): a memory error, ...`. */
  description: string;
  /** The limit it went over, when that ended it. */
  limitHit?: string;
  /** True when sockspec ended it on purpose (at the end, or a case's planned stop). */
  planned: boolean;
}

/** One start of the program. */
export interface ProgramStart {
  /** When it was launched, as an ISO 8601 time. */
  at: string;
  /** Why: `first`, `restart` after a death, `confirm` (rerunning suspects), `case` (a case's). */
  why: "first" | "restart" | "confirm" | "case";
  /** The argv it ran, placeholders filled. */
  argv: string[];
  /** The ports it was given. */
  ports: { tcp?: number; udp?: number };
  /** Milliseconds until it served its ports; absent when it never did. */
  readyMs?: number;
  /** Why it did not start, when it did not. */
  failed?: string;
  /** How it ended. */
  ended?: ProgramEnd;
  /** The last bytes it wrote to stdout, as text. */
  stdout: string;
  /** The last bytes it wrote to stderr, as text. */
  stderr: string;
  /** Bytes of output left out at the start of `stdout` and `stderr`. */
  dropped?: { stdout: number; stderr: number };
}

/** A death of the program that sockspec did not ask for, and the case it is pinned on. */
export interface ProgramDeath {
  /** When, as an ISO 8601 time. */
  at: string;
  /** Milliseconds since the run started. */
  atMs: number;
  /** How it ended: `killed by SIGSEGV (signal 11): ...`. */
  description: string;
  code: number | null;
  signal: string | null;
  /** The cases running when it died. */
  inFlight: string[];
  /** The case that caused it, when sockspec could tell. */
  cause?: string;
  /** True when rerunning the cause alone on a fresh start killed the program again. */
  confirmed: boolean;
  /** How the cause was found, in one sentence. */
  attribution: string;
  /** The last lines it wrote to stderr before it died. */
  stderrTail: string[];
}

/** The program under test in a run's report: what ran, its build, its starts and deaths. */
export interface ProgramReport {
  /** The command line as given, placeholders unfilled. */
  command: string;
  /** The working directory, when one was given. */
  cwd?: string;
  /** Its limits; `null` means unlimited. */
  limits: Record<keyof Limits, number | null>;
  /** The build that ran before it, if any. */
  build?: ProgramBuild;
  /** Every start, the first one first. */
  starts: ProgramStart[];
  /** Starts after the first that served (restarts after a death or a case's stop, reruns). */
  restarts: number;
  /** Deaths sockspec did not ask for. */
  deaths: ProgramDeath[];
}

/** The build command's run. */
export interface ProgramBuild {
  command: string;
  /** Whether it exited with status 0 in time. */
  ok: boolean;
  /** `exited with status 2`, or `did not finish within 120000 ms`. */
  description: string;
  durationMs: number;
  /** The last of what it wrote to stdout and stderr. */
  output: string;
}

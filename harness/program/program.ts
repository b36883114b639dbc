/**
 * What a launched program looks like to the rest of sockspec.
 *
 * @module
 */
import type { Limits } from "./limits.ts";
import type { BoundPorts } from "./listening_ports.ts";
import type { ProcessInfo } from "./process_info.ts";

/** How the program ended. */
export interface ExitInfo {
  /** The exit status, or `null` when a signal killed it. */
  code: number | null;
  /** The signal that killed it (`"SIGSEGV"`), or `null` when it exited. */
  signal: string | null;
  /** When it ended, in milliseconds since it was launched. */
  atMs: number;
  /**
   * One sentence for the report: `exited with status 3`, `killed by SIGSEGV (signal 11): a memory
   * error, ...`, `killed by SIGTERM (signal 15), sent by sockspec`.
   */
  description: string;
  /** The limit whose breach ended it, when sockspec can tell: processes, memory or cpu. */
  limitHit?: keyof Limits;
}

/** The bytes kept of an output stream. */
export interface OutputTail {
  /** The last bytes written, at most the output cap. */
  bytes: Uint8Array;
  /** How many earlier bytes were not kept. */
  dropped: number;
}

/** A launched program. Close it (or hold it with `await using`) so nothing of it is left. */
export interface Program {
  /** Its pid, which is also its process group and session id. */
  readonly pid: number;
  /** Its argv, as given. */
  readonly argv: readonly string[];
  /** The name messages use. */
  readonly label: string;
  /** The limits it runs with. */
  readonly limits: Readonly<Limits>;
  /**
   * Resolves when its main process has ended (its children may live on until `close()`), once its
   * output is read, or 200 ms later when children keep the pipes open. Never rejects.
   */
  readonly exited: Promise<ExitInfo>;
  /** Whether its main process is still running. */
  readonly running: boolean;
  /** The last bytes it wrote to stdout. */
  stdout(): OutputTail;
  /** The last bytes it wrote to stderr. */
  stderr(): OutputTail;
  /** The kept stdout as text (UTF-8, invalid bytes replaced). */
  stdoutText(): string;
  /** The kept stderr as text (UTF-8, invalid bytes replaced). */
  stderrText(): string;
  /** The last `lines` (20) lines of stderr, without line ends; a line cut by the cap is left out. */
  stderrTail(lines?: number): string[];
  /** Its processes now: its group and session, their children and any that left, zombies too. */
  processes(): ProcessInfo[];
  /**
   * The TCP ports its processes listen on and the UDP ports they have bound; with `only`, the
   * ports of that transport alone (the other list is empty), which is quicker: the TCP tables list
   * every connection of the machine, TIME_WAIT included.
   */
  ports(only?: "tcp" | "udp"): BoundPorts;
  /**
   * Sends a signal (SIGKILL unless named) to its whole process group, synchronously; does nothing
   * once the group is gone. Processes that left the group are reached by `close()`.
   */
  kill(signal?: Deno.Signal): void;
  /**
   * Kills it and every process it forked, also those that left its group, waits until they are
   * gone and its output is read. Safe to call again; resolves with how it ended.
   */
  close(): Promise<ExitInfo>;
  /** The same as {@linkcode Program.close}. */
  [Symbol.asyncDispose](): Promise<void>;
}

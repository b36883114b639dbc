/**
 * Running the client under test once: its command with the case's server address filled in,
 * launched in a process group of its own under limits, the message on its stdin, its stdout and
 * stderr kept (bounded), and its exit status or signal by name, or a kill when it overstays.
 *
 * @module
 */
import { raceDeadline, TIMED_OUT } from "../_deadline.ts";
import type { ServerClock } from "./server_clock.ts";
import type { ClientUnderTest } from "./types.ts";
import { CaseError, errorText } from "../errors.ts";
import { commandArgv } from "../program/command_argv.ts";
import { fillPlaceholders } from "../program/placeholders.ts";
import { launch } from "../program/launch.ts";
import type { ExitInfo, OutputTail, Program } from "../program/program.ts";
import type { Transcript } from "../transcript.ts";
import { WAITS } from "../waits.ts";

/**
 * How long a client may take before sockspec kills it, in milliseconds, unless the run sets the
 * `client-wait` parameter: the client contract gives a client that cannot recover 10 s to say so.
 */
export const CLIENT_WAIT_MS: number = WAITS.clientWaitMs;

/** What the race for the client's exit returns when the server's clock moved. */
const CHANGED: unique symbol = Symbol("server acted");

/** What to run, against which address, with what input. */
export interface ClientRunOptions {
  client: ClientUnderTest;
  /** The server's address, for `{host}` (a numeric address: `127.0.0.1`). */
  host: string;
  /** The server's port, for `{port}`. */
  port: number;
  /** The message: written to the client's stdin, which is then closed. */
  stdin: Uint8Array;
  /**
   * How long the client may run before it is killed, in milliseconds: counted from its launch,
   * or with `clock` from the server's last act (and not while the server pauses on purpose).
   */
  waitMs: number;
  /** The case's server's clock: the wait counts from its last act instead of the launch. */
  clock?: ServerClock;
  /**
   * The most the client may run in all, counted from its launch, in milliseconds, however late the
   * server acts (default `waitMs` plus `WAITS.clientServerMs`).
   */
  totalMs?: number;
  /** How many bytes of stdout and of stderr to keep, the last ones (default 64 KiB). */
  outputCap?: number;
  transcript: Transcript;
  /** Aborts the run: the client is killed and the signal's reason thrown. */
  signal?: AbortSignal;
}

/** How one run of the client went. */
export interface ClientRun {
  /** The argv it ran with. */
  argv: readonly string[];
  /** How it ended, or `null` when it was still running at the deadline (sockspec killed it). */
  exit: ExitInfo | null;
  /** Milliseconds from launch to its exit, or to its kill. */
  elapsedMs: number;
  /**
   * For a client killed at its deadline: how long it had been running after what (`it started`,
   * `the server's last send`, `the server closed the connection`); `null` when it exited.
   */
  overstay: { ms: number; after: string } | null;
  /** What it printed on stdout (the last `outputCap` bytes, and how many were dropped). */
  stdout: OutputTail;
  stderr: OutputTail;
  /** CPU time its processes had used when it was killed, in milliseconds; `null` if it exited. */
  cpuMs: number | null;
}

/**
 * Runs the client once: fills `{host}` and `{port}` into its command, launches it with the
 * message on stdin, waits until it exits or `waitMs` pass (then kills it and everything it
 * forked), and records the launch, stdin, stdout, stderr and the exit in the transcript (labels
 * `client`, `stdin`, `stdout`, `stderr`).
 *
 * @param options What to run and how long to wait.
 * @returns How it ended and what it printed.
 * @throws {CaseError} when the command cannot be run (not found, not executable, a bad
 * placeholder), or `/proc` cannot be read.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import {
 *   CLIENT_WAIT_MS,
 *   type ClientRun,
 *   type ClientRunOptions,
 *   runClient,
 * } from "./run.ts";
 * import { Transcript } from "../transcript.ts";
 * const options: ClientRunOptions = {
 *   client: { command: "sh -c 'echo {host}:{port}; cat; exit 3'" },
 *   host: "127.0.0.1",
 *   port: 7,
 *   stdin: new TextEncoder().encode("hi\n"),
 *   waitMs: CLIENT_WAIT_MS,
 *   transcript: new Transcript(),
 * };
 * const run: ClientRun = await runClient(options);
 * assertEquals(run.exit?.code, 3);
 * assertEquals(new TextDecoder().decode(run.stdout.bytes), "127.0.0.1:7\nhi\n");
 * ```
 */
export async function runClient(options: ClientRunOptions): Promise<ClientRun> {
  const { transcript } = options;
  let line: string;
  let program: Program;
  try {
    line = fillPlaceholders(options.client.command, { host: options.host, port: options.port });
    program = launch({
      argv: commandArgv(line),
      stdin: options.stdin,
      limits: options.client.limits,
      cwd: options.client.cwd,
      outputCap: options.outputCap,
      label: "client",
    });
  } catch (e) {
    throw new CaseError(`Cannot run the client: ${errorText(e)}`, { cause: e });
  }
  const launched = performance.now();
  transcript.record("client", "note", { detail: `launched ${line} (pid ${program.pid})` });
  transcript.record("stdin", "send", {
    dir: "out",
    bytes: options.stdin,
    detail: "the message, then EOF",
  });
  let exit: ExitInfo | null = null;
  let cpuMs: number | null = null;
  let overstay: ClientRun["overstay"] = null;
  try {
    const ended = await waitForExit(program, launched, options);
    if ("overstay" in ended) {
      overstay = ended.overstay;
      cpuMs = program.processes().reduce((sum, p) => sum + p.cpuMs, 0);
    } else {
      exit = ended.exit;
    }
  } finally {
    await program.close();
  }
  const run: ClientRun = {
    argv: program.argv,
    exit,
    elapsedMs: exit?.atMs ?? Math.round(performance.now() - launched),
    overstay,
    stdout: program.stdout(),
    stderr: program.stderr(),
    cpuMs,
  };
  if (exit) {
    transcript.record("client", "close", { detail: `${exit.description} after ${exit.atMs} ms` });
  } else {
    transcript.record("client", "timeout", {
      detail: `still running ${overstay!.ms} ms after ${overstay!.after} (${run.elapsedMs} ms ` +
        `after its launch, ${cpuMs} ms of CPU): killed by sockspec`,
    });
  }
  for (const name of ["stdout", "stderr"] as const) {
    const tail = run[name];
    if (name === "stderr" && tail.bytes.length === 0 && tail.dropped === 0) continue;
    transcript.record(name, "recv", {
      dir: "in",
      bytes: tail.bytes,
      detail: tail.dropped > 0
        ? `${tail.dropped + tail.bytes.length} bytes in all; the first ${tail.dropped} not kept`
        : undefined,
    });
  }
  return run;
}

/**
 * Waits for the client's exit until `waitMs` after the later of its launch and the server's last
 * act (the clock does not run while the server pauses), and at most `totalMs` from its launch.
 */
async function waitForExit(
  program: Program,
  launched: number,
  options: ClientRunOptions,
): Promise<{ exit: ExitInfo } | { overstay: { ms: number; after: string } }> {
  const { clock, waitMs } = options;
  const totalEnd = launched + (options.totalMs ?? waitMs + WAITS.clientServerMs);
  for (;;) {
    const changed: Promise<typeof CHANGED> = clock?.changed().then(() => CHANGED) ??
      new Promise<never>(() => {});
    const quiet = clock?.quiet() ?? null;
    const from = quiet === "busy" || quiet === null || quiet.atMs < launched ? null : quiet;
    const end = quiet === "busy" ? totalEnd : Math.min(totalEnd, (from?.atMs ?? launched) + waitMs);
    const ended = await raceDeadline(
      Promise.race([program.exited, changed]),
      end - performance.now(),
      options.signal,
    );
    if (ended === CHANGED) continue;
    if (ended !== TIMED_OUT) return { exit: ended };
    if ((clock?.quiet() ?? null) !== quiet) continue; // the server acted as the time ran out
    // Timers may fire a millisecond before performance.now() says the time is up: at least the
    // time it was given.
    const now = performance.now();
    const after = end === totalEnd ? null : from;
    const start = after?.atMs ?? launched;
    const ms = Math.max(Math.round(now - start), Math.round(end - start));
    return { overstay: { ms, after: after?.what ?? "it started" } };
  }
}

/**
 * Launching the program under test in a process group and session of its own, with resource
 * limits, watching it, naming how it ended, and killing it with everything it forked.
 *
 * @module
 */
import { raceDeadline, sleep, TIMED_OUT } from "../_deadline.ts";
import { PidsCgroup } from "./_cgroup.ts";
import { type Guardian, startGuardian } from "./_guardian.ts";
import { describeLimit, resolveLimits } from "./_limits.ts";
import { statOf } from "./_proc.ts";
import { register, unregister } from "./_registry.ts";
import { checkExecutable, spawnArgv } from "./_spawn_argv.ts";
import { TailBuffer } from "./_tail.ts";
import { ProcessTree, signal } from "./_tree.ts";
import { canReadProc } from "./can_read_proc.ts";
import { CommandError } from "./command_error.ts";
import { describeExit, describeExitShort } from "./describe_exit.ts";
import type { Limits } from "./limits.ts";
import { type BoundPorts, socketPorts } from "./listening_ports.ts";
import type { ProcessInfo } from "./process_info.ts";
import { rssBytes } from "./rss_bytes.ts";
import type { ExitInfo, OutputTail, Program } from "./program.ts";

/** What to launch, and how. */
export interface LaunchOptions {
  /** The program and its arguments; see `commandArgv()` to get them from a command line. */
  argv: readonly string[];
  /** The working directory; sockspec's own when absent. */
  cwd?: string;
  /**
   * Variables added to sockspec's environment. sockspec adds `SOCKSPEC_PROGRAM_ID` too, to find
   * the program's processes later whatever they do.
   */
  env?: Record<string, string>;
  /** The program's stdin: these bytes, then EOF (from a file); `/dev/null` without. */
  stdin?: Uint8Array;
  /** Resource limits, replacing some of the defaults (`DEFAULT_LIMITS`). */
  limits?: Partial<Limits>;
  /** How many bytes of stdout and of stderr to keep, the last ones; 64 KiB when absent. */
  outputCap?: number;
  /** A name for messages; the program's file name when absent. */
  label?: string;
}

/** The environment variable that marks every process a program starts. */
const PROGRAM_ID = "SOCKSPEC_PROGRAM_ID";
const DEFAULT_OUTPUT_CAP = 64 * 1024;
const WATCH_INTERVAL_MS = 100;
/** How long `exited` waits for output still in the pipes, which children may keep open. */
const OUTPUT_GRACE_MS = 200;
/** How long `close()` waits for the pipes to close before it stops reading them. */
const CLOSE_OUTPUT_MS = 2000;
const CLOSE_KILL_MS = 5000;

/**
 * Launches a program in a process group and session of its own (`setsid`), with resource limits
 * (`prlimit`, and a pids cgroup where root may create one), reading its stdout and stderr all the
 * time into bounded buffers. A watchdog checks every 100 ms that it stays within
 * `limits.processes` and `limits.memory` (resident memory, all its processes added up) and kills
 * it otherwise. Linux only; needs `--allow-all`, because Deno lets
 * nothing less read `/proc`.
 *
 * @param options What to launch, and how.
 * @returns The running program.
 * @throws {CommandError} When the program does not exist or cannot be executed, or `argv` is empty.
 * @throws {RangeError} For a bad limit or output cap.
 * @throws {Error} When `/proc` cannot be read (not Linux, or no `--allow-all`).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { launch, type LaunchOptions } from "./launch.ts";
 * const options: LaunchOptions = {
 *   argv: ["sh", "-c", "read name; echo hello $name; exit 3"],
 *   stdin: new TextEncoder().encode("world\n"),
 *   limits: { files: 64 },
 * };
 * await using program = launch(options);
 * const exit = await program.exited;
 * assertEquals(exit.description, "exited with status 3");
 * assertEquals(program.stdoutText(), "hello world\n");
 * ```
 */
export function launch(options: LaunchOptions): Program {
  return new LaunchedProgram(options);
}

class LaunchedProgram implements Program {
  readonly pid: number;
  readonly argv: readonly string[];
  readonly label: string;
  readonly limits: Readonly<Limits>;
  readonly exited: Promise<ExitInfo>;

  readonly #started = performance.now();
  readonly #child: Deno.ChildProcess;
  readonly #tree: ProcessTree;
  readonly #cgroup: PidsCgroup | undefined;
  readonly #guardian: Guardian;
  readonly #out: TailBuffer;
  readonly #err: TailBuffer;
  readonly #readers: ReadableStreamDefaultReader<Uint8Array>[] = [];
  readonly #reading: Promise<void>;
  #stdinFile: string | undefined;
  #running = true;
  #watchdog: ReturnType<typeof setInterval> | undefined;
  #limitHit: keyof Limits | undefined;
  /** Signals sockspec sent while the main process was running. */
  readonly #sent = new Set<string>();
  #lastCpuMs = 0;
  #closing: Promise<ExitInfo> | undefined;

  constructor(options: LaunchOptions) {
    if (options.argv.length === 0) throw new CommandError("The command is empty");
    this.argv = [...options.argv];
    this.label = options.label ?? this.argv[0].slice(this.argv[0].lastIndexOf("/") + 1);
    this.limits = Object.freeze(resolveLimits(options.limits));
    const cap = options.outputCap ?? DEFAULT_OUTPUT_CAP;
    this.#out = new TailBuffer(cap);
    this.#err = new TailBuffer(cap);
    const path = options.env?.PATH ?? Deno.env.get("PATH") ?? "/usr/bin:/bin";
    checkExecutable(this.argv[0], options.cwd, path);

    if (!canReadProc()) {
      throw new Error(
        Deno.build.os === "linux"
          ? "Cannot watch a program without reading /proc: run sockspec with --allow-all " +
            "(Deno lets only --allow-all read /proc)"
          : `Cannot launch a program on ${Deno.build.os}: sockspec needs Linux's /proc`,
      );
    }
    this.#cgroup = PidsCgroup.create(this.limits.processes);
    const uuid = crypto.randomUUID();
    // The message goes in a file the program's shell opens as its stdin before it starts: its
    // bytes and EOF are there at once, whatever sockspec's event loop is doing (a pipe fed by
    // sockspec was still open 4 s after a launch on a machine running two test suites).
    if (options.stdin !== undefined) {
      this.#stdinFile = Deno.makeTempFileSync({ prefix: "sockspec-stdin-" });
      Deno.writeFileSync(this.#stdinFile, options.stdin);
    }
    try {
      const [command, ...args] = spawnArgv({
        argv: this.#stdinFile === undefined
          ? this.argv
          : ["/bin/sh", "-c", 'exec "$@" <"$0"', this.#stdinFile, ...this.argv],
        limits: this.limits,
        cgroupProcs: this.#cgroup?.procsFile,
      });
      this.#child = new Deno.Command(command, {
        args,
        cwd: options.cwd,
        env: { ...options.env, [PROGRAM_ID]: uuid },
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
    } catch (error) {
      this.#cgroup?.remove();
      if (this.#stdinFile !== undefined) Deno.removeSync(this.#stdinFile);
      throw error;
    }
    this.pid = this.#child.pid;
    // The child is not reaped before its status is read, so its /proc entry is there now.
    const startTime = statOf(this.pid)?.startTime;
    this.#tree = new ProcessTree(this.pid, startTime, `${PROGRAM_ID}=${uuid}`, this.#cgroup);
    register(this);
    // Kills the program if sockspec dies where no exit handler runs (SIGKILL, the OOM killer).
    this.#guardian = startGuardian({
      pgid: this.pid,
      mark: `${PROGRAM_ID}=${uuid}`,
      cgroup: this.#cgroup?.path,
    });

    this.#reading = Promise.all([
      this.#drain(this.#child.stdout, this.#out),
      this.#drain(this.#child.stderr, this.#err),
    ]).then(() => {});
    const watchdog = setInterval(() => this.#watch(), WATCH_INTERVAL_MS);
    Deno.unrefTimer(watchdog);
    this.#watchdog = watchdog;
    this.exited = this.#waitExit();
  }

  get running(): boolean {
    return this.#running;
  }

  stdout(): OutputTail {
    return { bytes: this.#out.bytes(), dropped: this.#out.dropped };
  }

  stderr(): OutputTail {
    return { bytes: this.#err.bytes(), dropped: this.#err.dropped };
  }

  stdoutText(): string {
    return new TextDecoder().decode(this.#out.bytes());
  }

  stderrText(): string {
    return new TextDecoder().decode(this.#err.bytes());
  }

  stderrTail(lines = 20): string[] {
    let all = this.stderrText().split("\n");
    if (all.at(-1) === "") all.pop();
    if (this.#err.dropped > 0) all = all.slice(1); // cut by the buffer
    return lines <= 0 ? [] : all.slice(-lines);
  }

  processes(): ProcessInfo[] {
    return this.#tree.members(true);
  }

  ports(only?: "tcp" | "udp"): BoundPorts {
    return socketPorts(this.#tree.members().map((p) => p.pid), only);
  }

  kill(name: Deno.Signal = "SIGKILL"): void {
    if (this.#running) {
      // Not reaped yet, so the pid, and the group named after it, cannot belong to anyone else.
      // Before `setsid` has run (microseconds after launch) there is no group yet: signal the pid.
      this.#sent.add(name);
      if (!signal(-this.pid, name)) signal(this.pid, name);
    } else {
      this.#tree.members(); // is the group still there, or could its id be someone else's now?
      this.#tree.signalGroup(name);
    }
  }

  close(): Promise<ExitInfo> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** For the registry: kill everything now, synchronously. */
  killNow(): void {
    if (this.#running) this.#sent.add("SIGKILL");
    this.#tree.killAll();
  }

  async #close(): Promise<ExitInfo> {
    this.#stopWatching();
    if (this.#running) this.#sent.add("SIGKILL");
    const deadline = performance.now() + CLOSE_KILL_MS;
    for (;;) {
      this.#tree.killAll();
      await sleep(10);
      if (this.#tree.alive().length === 0 || performance.now() > deadline) break;
    }
    const exit = await this.exited;
    if (await raceDeadline(this.#reading, CLOSE_OUTPUT_MS) === TIMED_OUT) {
      // A process outside the tree still holds a pipe: stop reading instead of waiting for it.
      await Promise.allSettled(this.#readers.map((reader) => reader.cancel()));
      await this.#reading;
    }
    if (this.#cgroup !== undefined) {
      for (let attempt = 0; attempt < 20 && !this.#cgroup.remove(); attempt++) await sleep(10);
    }
    await this.#guardian.release();
    unregister(this);
    return exit;
  }

  async #drain(stream: ReadableStream<Uint8Array>, tail: TailBuffer): Promise<void> {
    const reader = stream.getReader();
    this.#readers.push(reader);
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        tail.push(value);
      }
    } catch {
      // cancelled by close()
    } finally {
      reader.releaseLock();
    }
  }

  async #waitExit(): Promise<ExitInfo> {
    const status = await this.#child.status;
    const atMs = Math.round(performance.now() - this.#started);
    // Removed at once (an unlink): a removal left running ends after a test that closed the
    // program, which Deno's sanitizer counts as a leak (seen with two suites at once).
    if (this.#stdinFile !== undefined) {
      try {
        Deno.removeSync(this.#stdinFile);
      } catch { /* already gone */ }
    }
    this.#running = false;
    this.#classify(status);
    await raceDeadline(this.#reading, OUTPUT_GRACE_MS);
    const signalName = status.signal ?? null;
    const info: ExitInfo = {
      code: signalName === null ? status.code : null,
      signal: signalName,
      atMs,
      description: this.#describe(status.code, signalName),
    };
    if (this.#limitHit !== undefined) info.limitHit = this.#limitHit;
    return info;
  }

  /** Names the limit that ended the program, when the evidence says so. */
  #classify(status: Deno.CommandStatus): void {
    if (this.#limitHit !== undefined) return;
    if ((this.#cgroup?.forkRefusals() ?? 0) > 0) {
      this.#limitHit = "processes";
    } else if (status.signal === "SIGXCPU") {
      this.#limitHit = "cpu";
    } else if (
      status.signal === "SIGKILL" && !this.#sent.has("SIGKILL") &&
      this.limits.cpu !== Infinity && this.#lastCpuMs >= (this.limits.cpu - 0.5) * 1000
    ) {
      this.#limitHit = "cpu"; // ignored SIGXCPU, then the hard limit
    }
  }

  #describe(code: number, signalName: string | null): string {
    const status = { code, signal: signalName };
    const base = describeExit(status);
    const hit = this.#limitHit;
    if (hit === "processes" || hit === "memory") {
      const limit = describeLimit(hit, this.limits[hit]);
      return signalName === "SIGKILL"
        ? `${describeExitShort(status)}: sockspec stopped it for going over ${limit}`
        : `${base} after a fork() failed at the limit of ${limit}`;
    }
    if (hit === "cpu") return `${base}; the limit is ${describeLimit("cpu", this.limits.cpu)}`;
    if (signalName !== null && this.#sent.has(signalName)) {
      return `${describeExitShort(status)}, sent by sockspec`;
    }
    return base;
  }

  #watch(): void {
    try {
      if ((this.#cgroup?.forkRefusals() ?? 0) > 0) return this.#overLimit();
      // The watchdogs of programs launched side by side share one scan per half interval.
      const members = this.#tree.members(false, WATCH_INTERVAL_MS / 2);
      const tasks = members.reduce((sum, p) => sum + Math.max(1, p.threads), 0);
      if (tasks > this.limits.processes) return this.#overLimit();
      if (this.limits.memory !== Infinity) {
        const live = members.filter((p) => p.state !== "Z");
        const rss = live.reduce((sum, p) => sum + rssBytes(p.pid), 0);
        if (rss > this.limits.memory) return this.#overLimit("memory");
      }
      this.#lastCpuMs = members.find((p) => p.pid === this.pid)?.cpuMs ?? this.#lastCpuMs;
      if (!this.#running && members.every((p) => p.state === "Z")) this.#stopWatching();
    } catch {
      // /proc unreadable for a moment; try again next time
    }
  }

  #overLimit(limit: "processes" | "memory" = "processes"): void {
    this.#limitHit ??= limit;
    this.#tree.killAll();
  }

  #stopWatching(): void {
    clearInterval(this.#watchdog);
    this.#watchdog = undefined;
  }
}

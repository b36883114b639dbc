/**
 * The program under test of one run: started from its command line on fresh free ports (or on the
 * ports it had), watched until it dies, stopped and started again, and remembered start by start
 * for the report. It is what the `process.*` cases see as `t.program`.
 *
 * @module
 */
import { freePort, portFreeForBoth } from "../../program/free_port.ts";
import {
  asleep,
  commandArgv,
  CommandError,
  DEFAULT_LIMITS,
  type ExitInfo,
  fdCount,
  fillPlaceholders,
  launch,
  type Limits,
  type Program,
  readProcess,
  type ReadyWant,
  rssBytes,
  waitReady,
} from "../../program/mod.ts";
import {
  makeTarget,
  type ProgramBuild,
  type ProgramReport,
  type ProgramSnapshot,
  type ProgramStart,
  type ProgramUnderTest,
  raceDeadline,
  type StartResult,
  type StopResult,
  type Targets,
  TIMED_OUT,
  type Transport,
  WAITS,
} from "../../mod.ts";
import type { ExecSpec } from "./spec.ts";

/** How the program died, when sockspec did not ask it to. */
export interface Death {
  exit: ExitInfo;
  /** When it died, on the `performance.now()` clock. */
  at: number;
  /** The last lines it wrote to stderr. */
  stderrTail: string[];
}

/** One launch of the program. */
interface Run {
  program: Program;
  start: ProgramStart;
  /** True once sockspec means to end it: its exit is no death. */
  planned: boolean;
  /** When it was launched, on the `performance.now()` clock. */
  launchedAt: number;
}

/** What an {@linkcode ExecProgram} runs. */
export interface ExecProgramOptions {
  spec: ExecSpec;
  /** The transports it serves (see `execTransports()`). */
  transports: readonly Transport[];
  /** The build that ran before it, for the report. */
  build?: ProgramBuild;
  /** Extra environment for the program. */
  env?: Record<string, string>;
}

const STDERR_LINES = 20;

/**
 * The program under test of a run. Start it with {@linkcode ExecProgram.startFresh}, give cases
 * its {@linkcode ExecProgram.targets}, and {@linkcode ExecProgram.close} it at the end: nothing of
 * it is left then.
 *
 * @example
 * ```ts
 * import { ExecProgram } from "./launched_program.ts";
 * const program = new ExecProgram({
 *   spec: {
 *     command: "python3 -m http.server --bind {host} {port}",
 *     buildTimeoutMs: 60_000,
 *     readyTimeoutMs: 10_000,
 *     limits: {},
 *     restart: "on-crash",
 *     host: "127.0.0.1",
 *   },
 *   transports: ["tcp"],
 * });
 * try {
 *   const started = await program.startFresh("first");
 *   console.log(started.ok, program.targets().tcp?.url); // true "tcp://127.0.0.1:41235"
 * } finally {
 *   await program.close();
 * }
 * ```
 */
export class ExecProgram implements ProgramUnderTest {
  readonly label: string;
  /** Called when the running program dies without sockspec asking (see `CrashWatch`). */
  onDeath: ((death: Death) => void) | undefined;
  readonly #spec: ExecSpec;
  readonly #transports: readonly Transport[];
  readonly #build: ProgramBuild | undefined;
  readonly #env: Record<string, string> | undefined;
  readonly #runs: Run[] = [];
  #ports: { tcp?: number; udp?: number } = {};
  #limits: Readonly<Limits> | undefined;

  /** @param options What to run, and who hears of its deaths. */
  constructor(options: ExecProgramOptions) {
    this.#spec = options.spec;
    this.#transports = options.transports;
    this.#build = options.build;
    this.#env = options.env;
    const first = safeArgv0(options.spec.command);
    this.label = first.slice(first.lastIndexOf("/") + 1) || "program";
  }

  get limits(): Readonly<Limits> {
    return this.#limits ?? { ...DEFAULT_LIMITS, ...this.#spec.limits };
  }

  /** The targets of the ports it was last given. */
  targets(): Targets {
    const targets: Targets = {};
    for (const t of this.#transports) {
      const port = this.#ports[t];
      if (port !== undefined) targets[t] = makeTarget(t, this.#spec.host, port);
    }
    return targets;
  }

  /** Whether the main process of the last start is running (and not dying unreaped). */
  get running(): boolean {
    const run = this.#runs.at(-1);
    if (run === undefined || !run.program.running) return false;
    const state = readProcess(run.program.pid)?.state;
    return state !== undefined && state !== "Z" && state !== "X";
  }

  /**
   * Whether the program is at rest: its main process runs and every thread of each of its live
   * processes is asleep (see {@linkcode asleep}), so it has handled every event that reached it.
   */
  get atRest(): boolean {
    const run = this.#runs.at(-1);
    if (run === undefined || !this.running) return false;
    const live = run.program.processes().filter((p) => p.state !== "Z" && p.state !== "X");
    return live.length > 0 && live.every((p) => asleep(p.pid));
  }

  /** The ExitInfo promise of the last start, to wait for a death to be seen. */
  exited(): Promise<ExitInfo> | undefined {
    return this.#runs.at(-1)?.program.exited;
  }

  /** How many times it was launched. */
  get starts(): number {
    return this.#runs.length;
  }

  /** The last lines the last start wrote to stderr. */
  stderrTail(): string[] {
    return this.#runs.at(-1)?.program.stderrTail(STDERR_LINES) ?? [];
  }

  /**
   * Starts it on fresh free ports and waits until it serves them. The last start, if still
   * running, is killed first.
   */
  async startFresh(why: ProgramStart["why"]): Promise<StartResult> {
    await this.#endLast();
    this.#ports = freshPorts(this.#spec.command, this.#transports, this.#spec.host);
    return await this.#launch(why);
  }

  /** Starts it again on the ports it had (a case's planned restart). */
  async start(): Promise<StartResult> {
    await this.#endLast();
    return await this.#launch("case");
  }

  snapshot(): ProgramSnapshot {
    const run = this.#runs.at(-1);
    if (run === undefined) return { mainPid: 0, running: false, processes: [] };
    const processes = run.program.processes().map((p) => ({
      ...p,
      fds: p.state === "Z" ? 0 : fdCount(p.pid),
      rssBytes: p.state === "Z" ? 0 : rssBytes(p.pid),
      runnableMs: runnableMs(p.pid) ?? p.cpuMs,
      asleep: p.state !== "Z" && asleep(p.pid),
    }));
    return { mainPid: run.program.pid, running: this.running, processes };
  }

  async stop(options: { signal?: Deno.Signal; graceMs?: number } = {}): Promise<StopResult> {
    const { signal = "SIGTERM", graceMs = WAITS.stopGraceMs } = options;
    const run = this.#runs.at(-1);
    if (run === undefined) return { exitedInTime: true, ms: 0, description: "not started" };
    run.planned = true;
    const started = performance.now();
    if (!run.program.running) {
      const exit = await run.program.close();
      return { exitedInTime: true, ms: 0, description: exit.description };
    }
    run.program.kill(signal);
    const first = await raceDeadline(run.program.exited, graceMs);
    const ms = Math.round(performance.now() - started);
    const exit = await run.program.close();
    return { exitedInTime: first !== TIMED_OUT, ms, description: exit.description };
  }

  /** Kills it and everything it started; the end of the run, not a death. */
  async close(): Promise<void> {
    await this.#endLast();
  }

  /** The program's part of the run's report; `deaths` come from whoever attributed them. */
  report(deaths: ProgramReport["deaths"] = []): ProgramReport {
    const limits = this.limits;
    const report: ProgramReport = {
      command: this.#spec.command,
      limits: {
        files: finite(limits.files),
        processes: finite(limits.processes),
        memory: finite(limits.memory),
        cpu: finite(limits.cpu),
      },
      starts: this.#runs.map((r) => ({ ...r.start, argv: [...r.start.argv] })),
      restarts: Math.max(0, this.#runs.length - 1),
      deaths,
    };
    if (this.#spec.cwd !== undefined) report.cwd = this.#spec.cwd;
    if (this.#build !== undefined) report.build = this.#build;
    return report;
  }

  async #endLast(): Promise<void> {
    const run = this.#runs.at(-1);
    if (run === undefined) return;
    run.planned = true;
    await run.program.close();
    capture(run);
  }

  async #launch(why: ProgramStart["why"]): Promise<StartResult> {
    const spec = this.#spec;
    const ports = { ...this.#ports };
    const start: ProgramStart = {
      at: new Date().toISOString(),
      why,
      argv: [],
      ports,
      stdout: "",
      stderr: "",
    };
    let program: Program;
    try {
      const text = fillPlaceholders(spec.command, {
        host: spec.host,
        tcp: ports.tcp,
        udp: ports.udp,
        port: ports.tcp ?? ports.udp,
      });
      start.argv = commandArgv(text);
      program = launch({
        argv: start.argv,
        cwd: spec.cwd,
        limits: spec.limits,
        label: this.label,
        env: this.#env,
      });
    } catch (e) {
      if (!(e instanceof CommandError)) throw e;
      start.failed = e.message;
      return { ok: false, reason: "command", ms: 0, message: e.message, stderrTail: [] };
    }
    this.#limits = program.limits;
    const run: Run = { program, start, planned: false, launchedAt: performance.now() };
    this.#runs.push(run);
    program.exited.then((exit) => this.#ended(run, exit));
    const want: ReadyWant = {};
    if (ports.tcp !== undefined) want.tcp = { host: spec.host, port: ports.tcp };
    if (ports.udp !== undefined) want.udp = { host: spec.host, port: ports.udp };
    const ready = await waitReady(program, want, { timeoutMs: spec.readyTimeoutMs });
    if (ready.ok) {
      start.readyMs = ready.ms;
      return { ok: true, ms: ready.ms };
    }
    run.planned = true;
    await program.close();
    capture(run);
    start.failed = ready.message;
    return {
      ok: false,
      reason: ready.reason,
      ms: ready.ms,
      message: ready.message,
      stderrTail: ready.reason === "exited" ? ready.stderrTail : program.stderrTail(STDERR_LINES),
    };
  }

  #ended(run: Run, exit: ExitInfo): void {
    capture(run);
    run.start.ended = {
      at: new Date(performance.timeOrigin + run.launchedAt + exit.atMs).toISOString(),
      code: exit.code,
      signal: exit.signal,
      description: exit.description,
      planned: run.planned,
    };
    if (exit.limitHit !== undefined) run.start.ended.limitHit = exit.limitHit;
    if (run.planned || run !== this.#runs.at(-1) || run.start.readyMs === undefined) return;
    this.onDeath?.({
      exit,
      at: run.launchedAt + exit.atMs,
      stderrTail: run.program.stderrTail(STDERR_LINES),
    });
  }
}

/** Copies a run's output into its start record. */
function capture(run: Run): void {
  const out = run.program.stdout();
  const err = run.program.stderr();
  run.start.stdout = run.program.stdoutText();
  run.start.stderr = run.program.stderrText();
  if (out.dropped > 0 || err.dropped > 0) {
    run.start.dropped = { stdout: out.dropped, stderr: err.dropped };
  }
}

/**
 * Free ports for the placeholders a command uses; `{port}` gets one number free for both. Below
 * the ephemeral range: a program started again on its ports after a kill finds them free, where
 * any connection on the machine could have been given a port the kernel chose.
 */
function freshPorts(
  command: string,
  transports: readonly Transport[],
  host: string,
): { tcp?: number; udp?: number } {
  const uses = (name: string) => command.includes(`{${name}}`);
  if (uses("port") && !uses("tcp") && !uses("udp")) {
    const port = portFreeForBoth(host);
    return Object.fromEntries(transports.map((t) => [t, port]));
  }
  const ports: { tcp?: number; udp?: number } = {};
  for (const t of transports) ports[t] = freePort(t, host);
  return ports;
}

/** On-CPU plus run-queue time of a process, from `/proc/PID/schedstat` (nanoseconds there). */
/** Milliseconds every thread of `pid` ran or waited for a CPU (a spinning thread counts too). */
function runnableMs(pid: number): number | undefined {
  try {
    let ns = 0;
    for (const task of Deno.readDirSync(`/proc/${pid}/task`)) {
      try {
        const [onCpu, waiting] = Deno.readTextFileSync(`/proc/${pid}/task/${task.name}/schedstat`)
          .split(" ").map(Number);
        if (Number.isFinite(onCpu + waiting)) ns += onCpu + waiting;
      } catch { /* the thread ended */ }
    }
    return Math.round(ns / 1e6);
  } catch {
    return undefined;
  }
}

function finite(n: number): number | null {
  return n === Infinity ? null : n;
}

function safeArgv0(command: string): string {
  try {
    return commandArgv(command.replace(/\{(host|tcp|udp|port)\}/g, "0"))[0] ?? "program";
  } catch {
    return "program";
  }
}

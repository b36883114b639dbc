/**
 * One run against a launched program, from build to the last kill: build it (`--build`), start it
 * on fresh ports and wait until it serves, hand the runner its targets and the crash watch, and at
 * the end kill everything it started and give the report's `program` section. `conform`, `grade`
 * and `deno test` all go through {@linkcode openExec}.
 *
 * @module
 */
import {
  type Profile,
  type ProgramReport,
  type RunOptions,
  type Targets,
  UsageError,
} from "../../mod.ts";
import { canReadProc } from "../../program/mod.ts";
import { runBuild } from "./build.ts";
import { ExecProgram } from "./launched_program.ts";
import { type ExecSpec, execTransports } from "./spec.ts";
import { CrashWatch } from "./crash_watch.ts";
import type { SubjectFailure } from "../subject.ts";

/** A program that started and serves. */
export interface ExecSession {
  ok: true;
  /** The program, for the cases (`RunOptions.program`). */
  program: ExecProgram;
  /** Its targets now (they change when it restarts on fresh ports). */
  targets(): Targets;
  /** The run options that watch it: its targets, the program, the crash watch's hooks. */
  runOptions(base: RunOptions): RunOptions;
  /** Waits for a death being attributed, kills everything, and returns the report's section. */
  close(): Promise<ProgramReport>;
}

/** What {@linkcode openExec} prints as it goes (deaths, reruns, restarts). */
export interface ExecOptions {
  note?: (line: string) => void;
  /** Extra environment for the program. */
  env?: Record<string, string>;
}

const DETAIL_LINES = 20;

/**
 * Builds the program if asked, starts it on fresh ports and waits until it serves them. Never
 * throws for the program's own problems: those are an {@linkcode SubjectFailure} with its kind, and
 * nothing of the program is left running then.
 *
 * @example
 * ```ts ignore
 * const opened = await openExec(spec, profile, { note: console.error });
 * if (!opened.ok) throw new Error(opened.message);
 * const options = opened.runOptions({ targets: {}, profile, seed: 1 });
 * const report = await runCases(cases, options);
 * report.program = await opened.close();
 * ```
 */
export async function openExec(
  spec: ExecSpec,
  profile: Profile,
  options: ExecOptions = {},
): Promise<ExecSession | SubjectFailure> {
  if (!canReadProc()) {
    throw new UsageError(
      Deno.build.os === "linux"
        ? "--exec needs --allow-all: sockspec reads /proc to watch the program (Deno lets only " +
          "--allow-all read /proc): run deno task conform:exec, or deno run -A harness/cli/conform.ts"
        : `--exec needs Linux: sockspec watches the program through /proc, not on ${Deno.build.os}`,
    );
  }
  const build = spec.build === undefined
    ? undefined
    : await runBuild(spec.build, { cwd: spec.cwd, timeoutMs: spec.buildTimeoutMs });
  const transports = execTransports(spec.command, profile.transports);
  const program = new ExecProgram({ spec, transports, build, env: options.env });
  if (build && !build.ok) {
    return {
      ok: false,
      kind: "build",
      message: `The build ${JSON.stringify(build.command)} failed: ${build.description}`,
      details: build.output.split("\n").filter((l) => l !== "").slice(-DETAIL_LINES),
      program: program.report(),
    };
  }
  if (transports.length === 0) {
    // {port} alone with a profile of neither transport cannot happen; {tcp}/{udp} always give one.
    throw new Error(`No transport for ${JSON.stringify(spec.command)}`);
  }
  const started = await program.startFresh("first");
  if (!started.ok) {
    await program.close();
    return {
      ok: false,
      kind: started.reason === "command" ? "command" : "start",
      message: started.reason === "command"
        ? started.message
        : `The program did not start: ${started.message}`,
      details: started.stderrTail.slice(-DETAIL_LINES),
      program: program.report(),
    };
  }
  const crashWatch = new CrashWatch({ program, restart: spec.restart, note: options.note });
  program.onDeath = crashWatch.onDeath;
  let closing: Promise<ProgramReport> | undefined;
  return {
    ok: true,
    program,
    targets: () => program.targets(),
    runOptions(base: RunOptions): RunOptions {
      const run: RunOptions = {
        ...base,
        targets: program.targets(),
        program,
        beforeCase: crashWatch.beforeCase,
        afterCase: crashWatch.afterCase,
        targetDied: crashWatch.died,
      };
      crashWatch.bind(run);
      return run;
    },
    close(): Promise<ProgramReport> {
      closing ??= (async () => {
        await crashWatch.finish();
        await program.close();
        return program.report(crashWatch.deaths);
      })();
      return closing;
    },
  };
}

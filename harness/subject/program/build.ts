/**
 * The build step of `--build 'CMD'`: runs once before the program, in its working directory, in a
 * process group of its own with its own deadline, and keeps the end of its output for the report.
 *
 * @module
 */
import { commandArgv, CommandError, launch } from "../../program/mod.ts";
import { errorText, type ProgramBuild, raceDeadline, TIMED_OUT } from "../../mod.ts";

/** How much of a build's output the report keeps, per stream. */
const BUILD_OUTPUT_CAP = 32 * 1024;

/**
 * Runs a build command and says how it went. Never throws for the build's own failure (a compiler
 * error, a missing `make`, a deadline that passes): that is `ok: false` with the reason. Whatever
 * the build started is killed before this returns.
 *
 * @param command The build command line, e.g. `make` or `cc -o server server.c`.
 * @param options `cwd`: where it runs; `timeoutMs`: its deadline.
 * @example
 * ```ts
 * import { runBuild } from "./build.ts";
 * const build = await runBuild("sh -c 'echo compiling; exit 2'", { timeoutMs: 10_000 });
 * console.log(build.ok, build.description, build.output); // false "exited with status 2" "compiling"
 * ```
 */
export async function runBuild(
  command: string,
  options: { cwd?: string; timeoutMs: number },
): Promise<ProgramBuild> {
  const started = performance.now();
  const took = () => Math.round(performance.now() - started);
  let program;
  try {
    program = launch({
      argv: commandArgv(command),
      cwd: options.cwd,
      label: "build",
      outputCap: BUILD_OUTPUT_CAP,
      // A compiler may use more than a server; the deadline bounds its CPU time.
      limits: { memory: 4 * 1024 ** 3, cpu: Infinity },
    });
  } catch (e) {
    if (!(e instanceof CommandError)) throw e;
    return { command, ok: false, description: errorText(e), durationMs: took(), output: "" };
  }
  try {
    const ended = await raceDeadline(program.exited, options.timeoutMs);
    const exit = await program.close();
    const output = [program.stdoutText(), program.stderrText()].map((s) => s.trimEnd())
      .filter((s) => s !== "").join("\n");
    if (ended === TIMED_OUT) {
      return {
        command,
        ok: false,
        description: `did not finish within ${options.timeoutMs} ms; sockspec killed it`,
        durationMs: took(),
        output,
      };
    }
    return {
      command,
      ok: exit.code === 0,
      description: exit.description,
      durationMs: took(),
      output,
    };
  } finally {
    await program.close();
  }
}

/**
 * A helper process that cannot outlive the process that started it: a test's server (a C fixture,
 * socat), a benchmark's target. It runs in a session of its own, marked in its environment, with
 * a guardian (the one `launch()` gives a program under test) that kills its process group and
 * every marked process if the starting process dies where no exit handler runs (SIGKILL from a CI
 * job's time-out, the OOM killer). `stop()` kills the group itself: a fork-per-client server's
 * children go with it.
 *
 * Linux only (`setsid`, and the guardian reads `/proc`).
 *
 * @module
 */
import { startGuardian } from "./_guardian.ts";
import { sessionArgv } from "./_spawn_argv.ts";

/** The environment variable that marks a guarded process and everything it starts. */
export const GUARDED_MARK = "SOCKSPEC_GUARDED_ID";

/** A process started by {@linkcode spawnGuarded}. */
export interface GuardedProcess {
  /** The process as Deno spawned it (its pid is also its process group's). */
  readonly child: Deno.ChildProcess;
  /** `NAME=VALUE`: the mark in the environment of the process and of all it starts. */
  readonly mark: string;
  /**
   * Sends `signal` (default SIGKILL) to the whole process group, waits for the process to exit and
   * releases the guardian; the same promise on every call.
   */
  stop(signal?: Deno.Signal): Promise<Deno.CommandStatus>;
}

/**
 * Starts `command` with `options`, guarded.
 *
 * @example
 * ```ts
 * import { spawnGuarded } from "./guarded.ts";
 * const sleeper = spawnGuarded("sleep", { args: ["30"], stdout: "null", stderr: "null" });
 * const status = await sleeper.stop();
 * console.log(status.signal); // "SIGKILL"
 * ```
 */
export function spawnGuarded(command: string, options: Deno.CommandOptions = {}): GuardedProcess {
  const [setsid, ...args] = sessionArgv([command, ...(options.args ?? [])]);
  const mark = `${GUARDED_MARK}=${crypto.randomUUID()}`;
  const [name, value] = mark.split("=");
  const child = new Deno.Command(setsid, {
    ...options,
    args,
    env: { ...options.env, [name]: value },
  }).spawn();
  const guardian = startGuardian({ pgid: child.pid, mark });
  let stopping: Promise<Deno.CommandStatus> | undefined;
  return {
    child,
    mark,
    stop(signal: Deno.Signal = "SIGKILL") {
      stopping ??= (async () => {
        try {
          Deno.kill(-child.pid, signal);
        } catch {
          // the group is gone: its leader exited and nothing it started is left
          try {
            child.kill(signal);
          } catch { /* already gone */ }
        }
        const status = await child.status;
        await guardian.release();
        return status;
      })();
      return stopping;
    },
  };
}

/**
 * The argv that starts a program in a session of its own (`setsid`), with resource limits
 * (`prlimit`), optionally joining a cgroup first. Every step `exec`s the next, so the program keeps
 * the pid Deno spawned, and that pid is also its process group and session id.
 *
 * @module
 */
import { CommandError } from "./command_error.ts";
import type { Limits } from "./limits.ts";
import { allProcesses, readText } from "./_proc.ts";

/** What {@linkcode spawnArgv} needs. */
export interface SpawnPlan {
  /** The program's argv. */
  argv: readonly string[];
  /** The limits to apply. */
  limits: Limits;
  /** The `cgroup.procs` file the program joins before anything else, if any. */
  cgroupProcs?: string;
}

/** The full argv to hand `Deno.Command`: `[sh -c JOIN cgroup.procs] setsid prlimit ... -- argv`. */
export function spawnArgv(plan: SpawnPlan): string[] {
  const prlimit = [tool("prlimit"), ...prlimitFlags(plan.limits), "--"];
  const argv = [tool("setsid"), ...prlimit, ...plan.argv];
  if (plan.cgroupProcs === undefined) return argv;
  // `echo` fails quietly if the cgroup went away; the /proc watchdog then does its work alone.
  return ["/bin/sh", "-c", 'echo $$ 2>/dev/null >"$0"; exec "$@"', plan.cgroupProcs, ...argv];
}

/** The argv that runs `argv` in a session (and process group) of its own, keeping its pid. */
export function sessionArgv(argv: readonly string[]): string[] {
  return [tool("setsid"), ...argv];
}

/** `prlimit` flags; each sets the soft and the hard limit. */
export function prlimitFlags(limits: Limits): string[] {
  const value = (n: number) => (n === Infinity ? "unlimited" : String(n));
  // No --as: the memory limit counts resident memory, and the watchdog enforces it.
  const flags = [`--nofile=${value(limits.files)}`];
  // SIGXCPU at the soft limit names the cause; SIGKILL a second later if it is ignored.
  const hardCpu = limits.cpu === Infinity ? Infinity : limits.cpu + 1;
  flags.push(`--cpu=${value(limits.cpu)}:${value(hardCpu)}`);
  // RLIMIT_NPROC counts every thread of the user and does not bind root, so for others it is a
  // backstop above what the user already runs; the exact limit is the cgroup's or the watchdog's.
  const uid = realUid();
  if (uid !== 0 && limits.processes !== Infinity) {
    flags.push(`--nproc=${userTasks(uid) + limits.processes}`);
  }
  return flags;
}

/** sockspec's real user id, from `/proc` (`Deno.uid()` would need `--allow-sys`). */
function realUid(): number {
  const match = /^Uid:\s+(\d+)/m.exec(readText("/proc/self/status") ?? "");
  return match === null ? 0 : Number(match[1]);
}

/** The processes and threads the user runs now, which `RLIMIT_NPROC` counts. */
function userTasks(uid: number): number {
  let tasks = 0;
  for (const p of allProcesses()) {
    try {
      if (Deno.statSync(`/proc/${p.pid}`).uid === uid) tasks += Math.max(1, p.threads);
    } catch {
      // gone
    }
  }
  return tasks;
}

const TOOL_DIRS = ["/usr/bin", "/bin", "/usr/local/bin", "/usr/sbin", "/sbin"];
const tools = new Map<string, string>();

/** Where a util-linux tool is; throws when it is missing. */
function tool(name: "setsid" | "prlimit"): string {
  let path = tools.get(name);
  if (path === undefined) {
    path = findExecutable(name, TOOL_DIRS.join(":"));
    if (path === undefined) {
      throw new Error(
        `Cannot find "${name}" (util-linux): sockspec needs it to run the program under test`,
      );
    }
    tools.set(name, path);
  }
  return path;
}

/**
 * Checks that the program exists and may be executed, as `execvp()` will look for it: a name with
 * a `/` relative to `cwd`, a bare name on `PATH`.
 *
 * @throws {CommandError} When it cannot be run, with the reason.
 */
export function checkExecutable(command: string, cwd: string | undefined, path: string): void {
  if (command === "") throw new CommandError("The command is empty");
  if (cwd !== undefined && !isDirectory(cwd)) {
    throw new CommandError(`Cannot run in ${JSON.stringify(cwd)}: no such directory`);
  }
  if (!command.includes("/")) {
    if (findExecutable(command, path) === undefined) {
      throw new CommandError(`Cannot run ${JSON.stringify(command)}: not found on PATH`);
    }
    return;
  }
  const full = command.startsWith("/") || cwd === undefined ? command : `${cwd}/${command}`;
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(full);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new CommandError(`Cannot run ${JSON.stringify(command)}: no such file`, {
        cause: error,
      });
    }
    throw error;
  }
  if (info.isDirectory) {
    throw new CommandError(`Cannot run ${JSON.stringify(command)}: a directory`);
  }
  if (((info.mode ?? 0o755) & 0o111) === 0) {
    throw new CommandError(
      `Cannot run ${JSON.stringify(command)}: not executable (chmod +x ${command}?)`,
    );
  }
}

function findExecutable(name: string, path: string): string | undefined {
  for (const dir of path.split(":")) {
    const full = `${dir === "" ? "." : dir}/${name}`;
    try {
      const info = Deno.statSync(full);
      if (info.isFile && ((info.mode ?? 0o755) & 0o111) !== 0) return full;
    } catch {
      // not here
    }
  }
  return undefined;
}

function isDirectory(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}

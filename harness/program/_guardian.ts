/**
 * The guardian: a small shell process, in a session of its own, that outlives sockspec only to
 * clean up after it. It waits on a pipe from sockspec; when sockspec closes the program normally
 * it says so and the guardian exits. When sockspec dies any other way (SIGKILL from a CI job's
 * time-out or the OOM killer, where no exit handler runs) the kernel closes the pipe, the read
 * ends without that word, and the guardian kills the program's process group, every process that
 * carries the program's mark in its environment, and its cgroup.
 *
 * @module
 */
import { sessionArgv } from "./_spawn_argv.ts";

/** What the guardian kills when sockspec is gone. */
export interface GuardianPlan {
  /** The program's process group (its pid, after `setsid`). */
  pgid: number;
  /** The `NAME=VALUE` environment entry every process of the program carries. */
  mark: string;
  /** The program's cgroup folder, if it has one. */
  cgroup?: string;
}

/** A running guardian. */
export interface Guardian {
  /** Tells the guardian sockspec cleaned up itself, and waits for it to exit. */
  release(): Promise<void>;
}

// $1 pgid, $2 mark, $3 cgroup folder or "". A line on stdin means "cleaned up"; EOF means sockspec
// is gone. Three rounds catch a fork that was under way in the first.
const SCRIPT = `
read -r _ && exit 0
for round in 1 2 3; do
  kill -KILL -- "-$1" 2>/dev/null
  for f in /proc/[0-9]*/environ; do
    if grep -qzx -- "$2" "$f" 2>/dev/null; then p=\${f#/proc/}; kill -KILL "\${p%/environ}" 2>/dev/null; fi
  done
  if [ -n "$3" ]; then echo 1 >"$3/cgroup.kill" 2>/dev/null; fi
  sleep 0.1
done
if [ -n "$3" ]; then rmdir "$3" 2>/dev/null; fi
exit 0
`;

/**
 * Starts a guardian for a program that was just launched. Linux only (it reads `/proc`).
 *
 * @param plan What to kill if sockspec dies.
 * @returns The guardian, to release once the program is closed.
 * @example
 * ```ts
 * import { startGuardian } from "./_guardian.ts";
 * const guardian = startGuardian({ pgid: 999999, mark: "SOCKSPEC_PROGRAM_ID=example" });
 * await guardian.release(); // sockspec closed the program itself: the guardian does nothing
 * ```
 */
export function startGuardian(plan: GuardianPlan): Guardian {
  // In a session of its own: a kill of sockspec's whole process group (a CI job's time-out, `kill
  // -9 -- -PGID`) must not take the guardian with it, or nothing is left to clean up.
  const [command, ...args] = sessionArgv([
    "/bin/sh",
    "-c",
    SCRIPT,
    "sockspec-guardian",
    String(plan.pgid),
    plan.mark,
    plan.cgroup ?? "",
  ]);
  const child = new Deno.Command(command, {
    args,
    // Nothing of sockspec's environment: the guardian is no part of the program, whatever marks it.
    clearEnv: true,
    env: { PATH: "/usr/bin:/bin" },
    stdin: "piped",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const writer = child.stdin.getWriter();
  let released: Promise<void> | undefined;
  return {
    release() {
      released ??= (async () => {
        try {
          await writer.write(new TextEncoder().encode("released\n"));
          await writer.close();
        } catch {
          // the guardian is gone already
        }
        await child.status;
      })();
      return released;
    },
  };
}

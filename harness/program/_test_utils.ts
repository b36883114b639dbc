/** Helpers for this folder's tests: marking launched programs and finding what is left of them. */
import { setCgroupsEnabled } from "./_cgroup.ts";
import { canReadProc } from "./can_read_proc.ts";

// A port outside the kernel's ephemeral range: one bind(port 0) handed out could be handed to
// another test's server before the program under test binds it.
export { freePort } from "./free_port.ts";

const PROC = canReadProc();
let warned = false;

/**
 * `Deno.test` for a test that launches programs or reads `/proc`: skipped, with one message, when
 * `/proc` cannot be read (not Linux, or Deno run without `--allow-all`).
 */
export function procTest(name: string, fn: () => void | Promise<void>): void {
  if (!PROC && !warned) {
    warned = true;
    console.warn(
      "harness/program: skipping the tests that read /proc: they need Linux and --allow-all",
    );
  }
  Deno.test({ name, ignore: !PROC, fn });
}

/**
 * {@linkcode procTest} twice: with a pids cgroup per program (where this machine allows one), and
 * with `/proc` alone, as on machines without cgroups or root.
 */
export function procTestBothWays(name: string, fn: () => Promise<void>): void {
  procTest(`${name} (cgroup where usable)`, fn);
  procTest(`${name} (/proc only)`, async () => {
    setCgroupsEnabled(false);
    try {
      await fn();
    } finally {
      setCgroupsEnabled(true);
    }
  });
}

/** A fresh value for {@linkcode MARK}, unique to one test. */
export function newMark(): string {
  return crypto.randomUUID();
}

/** The environment variable tests give a program, so that its processes can be found later. */
export const MARK = "SOCKSPEC_PROGRAM_TEST_MARK";

/**
 * The live processes (zombies have no environment) carrying the mark: every process the program
 * started, those that left its group or lost their parent included.
 */
export function liveWithMark(mark: string): number[] {
  return liveCarrying(`${MARK}=${mark}`);
}

/** The live processes whose environment holds the entry `needle` (`NAME=VALUE`). */
export function liveCarrying(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const environ = Deno.readTextFileSync(`/proc/${entry.name}/environ`);
      if (environ.split("\0").includes(needle)) pids.push(Number(entry.name));
    } catch {
      // gone, or a kernel thread
    }
  }
  return pids;
}

/**
 * Polls `check` every 20 ms until it returns true, for at most `ms`; returns its last answer. It
 * returns as soon as the event comes, so the default deadline is one a loaded machine (a second
 * test run beside this one) cannot eat.
 */
export async function eventually(check: () => boolean, ms = 15_000): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (!check()) {
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

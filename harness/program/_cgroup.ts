/**
 * A pids cgroup (cgroup v1, `/sys/fs/cgroup/pids`) per program, where the system has one and
 * sockspec may create cgroups there (root). It caps the processes and threads of the program in the
 * kernel, so even a fast fork bomb cannot outrun the watchdog, and it lists every process of the
 * program, those that left its session included. Where it is not usable, the launcher falls back to
 * reading `/proc`.
 *
 * @module
 */

const PIDS_ROOT = "/sys/fs/cgroup/pids";
const PREFIX = "sockspec-";

let enabled = true;
let usable: boolean | undefined;
let counter = 0;

/** Turns the use of cgroups off or back on, so tests can exercise the `/proc` fallback. */
export function setCgroupsEnabled(on: boolean): void {
  enabled = on;
}

/** One program's pids cgroup. */
export class PidsCgroup {
  /** The cgroup's directory. */
  readonly path: string;

  private constructor(path: string) {
    this.path = path;
  }

  /**
   * Creates a cgroup allowing `max` tasks, or returns `undefined` when cgroups are off, missing or
   * not writable here.
   */
  static create(max: number): PidsCgroup | undefined {
    if (!enabled || usable === false) return undefined;
    if (usable === undefined) {
      usable = isCgroupV1Pids();
      if (!usable) return undefined;
      sweepStale();
    }
    const path = `${PIDS_ROOT}/${PREFIX}${Deno.pid}-${++counter}`;
    try {
      Deno.mkdirSync(path);
    } catch {
      usable = false;
      return undefined;
    }
    const cgroup = new PidsCgroup(path);
    try {
      Deno.writeTextFileSync(`${path}/pids.max`, max === Infinity ? "max" : String(max));
    } catch {
      cgroup.remove();
      usable = false;
      return undefined;
    }
    return cgroup;
  }

  /** The file a process writes its pid to, to join. */
  get procsFile(): string {
    return `${this.path}/cgroup.procs`;
  }

  /** The member processes' ids (zombies that are not reaped yet included). */
  pids(): number[] {
    try {
      return Deno.readTextFileSync(this.procsFile).split("\n").filter((l) => l).map(Number);
    } catch {
      return [];
    }
  }

  /** How many times the kernel refused a fork because the cgroup was full. */
  forkRefusals(): number {
    try {
      const match = /^max (\d+)$/m.exec(Deno.readTextFileSync(`${this.path}/pids.events`));
      return match === null ? 0 : Number(match[1]);
    } catch {
      return 0;
    }
  }

  /** Removes the cgroup; fails quietly while it still has members. */
  remove(): boolean {
    try {
      Deno.removeSync(this.path);
      return true;
    } catch {
      return false;
    }
  }
}

function isCgroupV1Pids(): boolean {
  if (Deno.build.os !== "linux") return false;
  try {
    Deno.statSync(`${PIDS_ROOT}/cgroup.procs`);
    Deno.statSync(`${PIDS_ROOT}/tasks`); // only cgroup v1 has it
    return true;
  } catch {
    return false;
  }
}

/** Removes empty cgroups left by sockspec processes that are gone. Never kills anything. */
function sweepStale(): void {
  try {
    for (const entry of Deno.readDirSync(PIDS_ROOT)) {
      const owner = new RegExp(`^${PREFIX}(\\d+)-\\d+$`).exec(entry.name);
      if (owner === null || exists(`/proc/${owner[1]}`)) continue;
      try {
        Deno.removeSync(`${PIDS_ROOT}/${entry.name}`);
      } catch {
        // still has processes
      }
    }
  } catch {
    // not readable
  }
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

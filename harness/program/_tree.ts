/**
 * A launched program's processes: its process group and session, the children of any of them,
 * the cgroup's members, processes seen in the tree earlier that have since left it (a child that
 * called `setsid()` and then lost its parent), and, when looking hard, any process whose
 * environment carries the program's id (a daemon that forked twice between two looks). Knows how
 * to stop and kill them all.
 *
 * @module
 */
import type { PidsCgroup } from "./_cgroup.ts";
import { allProcesses, environHas } from "./_proc.ts";
import type { ProcessInfo } from "./process_info.ts";

/** The processes of one program, found by scanning `/proc`. */
export class ProcessTree {
  readonly #root: number;
  readonly #cgroup: PidsCgroup | undefined;
  readonly #mark: string;
  /** pid → start time of every process seen in the tree; start time guards against pid reuse. */
  readonly #known = new Map<number, number>();
  #rootIdOurs = true;

  /**
   * @param root The program's pid, which is also its process group and session id.
   * @param rootStartTime The program's start time from `/proc/PID/stat`, if it could be read.
   * @param mark `NAME=VALUE` in the environment of every process the program starts.
   * @param cgroup The program's cgroup, if it has one.
   */
  constructor(
    root: number,
    rootStartTime: number | undefined,
    mark: string,
    cgroup?: PidsCgroup,
  ) {
    this.#root = root;
    this.#mark = mark;
    this.#cgroup = cgroup;
    if (rootStartTime !== undefined) this.#known.set(root, rootStartTime);
  }

  /**
   * The program's processes now, zombies included, and remembers them.
   *
   * @param deep Also read every process's environment (a few milliseconds more).
   * @param maxAgeMs Take a scan of `/proc` this recent, made for any program (see
   * `allProcesses()`); 0 scans now.
   */
  members(deep = false, maxAgeMs = 0): ProcessInfo[] {
    const all = allProcesses(maxAgeMs);
    const byPid = new Map(all.map((p) => [p.pid, p]));
    const spared = new Set([0, 1, 2]);
    for (
      let p = byPid.get(Deno.pid);
      p !== undefined && !spared.has(p.pid);
      p = byPid.get(p.ppid)
    ) {
      spared.add(p.pid); // sockspec itself and its ancestors, whatever happens
    }
    const inCgroup = new Set(this.#cgroup?.pids() ?? []);
    // Ids of process groups and sessions led by a member. A group or session id cannot be reused
    // while the group or session has a process, so these stay ours after their leader is gone.
    const rootStart = this.#known.get(this.#root);
    const rootIdInUse =
      (rootStart !== undefined && byPid.get(this.#root)?.startTime === rootStart) ||
      all.some((p) => p.pgid === this.#root || p.sid === this.#root);
    if (!rootIdInUse) this.#rootIdOurs = false; // from now on the kernel may give the id to others
    const leaders = new Set(this.#rootIdOurs ? [this.#root] : []);
    const members = new Map<number, ProcessInfo>();
    for (let grew = true; grew;) {
      grew = false;
      for (const p of all) {
        if (members.has(p.pid) || spared.has(p.pid)) continue;
        const ours = leaders.has(p.pgid) || leaders.has(p.sid) || members.has(p.ppid) ||
          inCgroup.has(p.pid) || this.#known.get(p.pid) === p.startTime ||
          (deep && p.state !== "Z" && environHas(p, this.#mark));
        if (!ours) continue;
        members.set(p.pid, p);
        if (p.pgid === p.pid || p.sid === p.pid) leaders.add(p.pid);
        grew = true;
      }
    }
    for (const [pid, start] of this.#known) {
      if (byPid.get(pid)?.startTime !== start) this.#known.delete(pid);
    }
    for (const p of members.values()) this.#known.set(p.pid, p.startTime);
    return [...members.values()].sort((a, b) => a.pid - b.pid);
  }

  /**
   * Sends a signal to the program's process group, unless the group is gone and its id may belong
   * to someone else by now (as of the last scan).
   *
   * @returns Whether the signal was sent.
   */
  signalGroup(name: Deno.Signal): boolean {
    return this.#rootIdOurs && signal(-this.#root, name);
  }

  /** The members that have not exited (zombies left out), looking hard (environments too). */
  alive(): ProcessInfo[] {
    return this.members(true).filter((p) => p.state !== "Z" && p.state !== "X");
  }

  /**
   * Stops every member with SIGSTOP so none can fork, finds the processes they forked meanwhile
   * and stops those too, then sends SIGKILL to all of them. Synchronous, for exit handlers.
   */
  killAll(): void {
    const stopped = new Set<number>();
    for (let round = 0; round < 50; round++) {
      const fresh = this.alive().filter((p) => !stopped.has(p.pid));
      if (round === 0) this.signalGroup("SIGSTOP"); // the whole group at once, forks included
      if (fresh.length === 0) break;
      for (const p of fresh) {
        signal(p.pid, "SIGSTOP");
        stopped.add(p.pid);
      }
    }
    this.signalGroup("SIGKILL");
    for (const pid of stopped) signal(pid, "SIGKILL");
    for (const pid of this.#cgroup?.pids() ?? []) signal(pid, "SIGKILL");
  }
}

/** Sends a signal, ignoring a process or group that is already gone (-pid for a group). */
export function signal(pid: number, name: Deno.Signal): boolean {
  try {
    Deno.kill(pid, name);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

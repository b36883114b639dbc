/**
 * The programs that are live in this process, so that none outlives sockspec: when sockspec exits
 * (`unload`) or is interrupted (SIGINT, SIGTERM, SIGHUP), every live program's processes are killed
 * synchronously. The listeners exist only while a program is live, so a process with no program
 * exits normally and tests' sanitizers see nothing.
 *
 * @module
 */

/** Something that can kill all its processes right now. */
export interface Killable {
  /** Kills every process, synchronously. Must not throw. */
  killNow(): void;
}

const live = new Set<Killable>();

/** Exit codes after a signal, as a shell reports them: 128 + the signal number. */
const EXIT_CODES = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;
type Fatal = keyof typeof EXIT_CODES;

const onSignal: Record<Fatal, () => void> = {
  SIGHUP: () => exitAfter("SIGHUP"),
  SIGINT: () => exitAfter("SIGINT"),
  SIGTERM: () => exitAfter("SIGTERM"),
};

function exitAfter(name: Fatal): void {
  killEverything();
  Deno.exit(EXIT_CODES[name]);
}

function killEverything(): void {
  for (const program of live) {
    try {
      program.killNow();
    } catch {
      // keep going: the others must die too
    }
  }
}

/** Adds a live program, installing the exit and signal listeners with the first. */
export function register(program: Killable): void {
  live.add(program);
  if (live.size !== 1) return;
  globalThis.addEventListener("unload", killEverything);
  for (const name of Object.keys(onSignal) as Fatal[]) {
    Deno.addSignalListener(name, onSignal[name]);
  }
}

/** Removes a program once nothing of it is left, removing the listeners with the last. */
export function unregister(program: Killable): void {
  if (!live.delete(program) || live.size !== 0) return;
  globalThis.removeEventListener("unload", killEverything);
  for (const name of Object.keys(onSignal) as Fatal[]) {
    Deno.removeSignalListener(name, onSignal[name]);
  }
}

/** How many programs are live, for tests. */
export function liveCount(): number {
  return live.size;
}

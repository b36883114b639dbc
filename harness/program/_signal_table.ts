/**
 * Linux signal numbers (x86, ARM, RISC-V and most other architectures) by name, and back.
 *
 * @module
 */

/** Signal numbers by name. */
export const SIGNAL_NUMBERS: Readonly<Record<string, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGSTKFLT: 16,
  SIGCHLD: 17,
  SIGCONT: 18,
  SIGSTOP: 19,
  SIGTSTP: 20,
  SIGTTIN: 21,
  SIGTTOU: 22,
  SIGURG: 23,
  SIGXCPU: 24,
  SIGXFSZ: 25,
  SIGVTALRM: 26,
  SIGPROF: 27,
  SIGWINCH: 28,
  SIGIO: 29,
  SIGPWR: 30,
  SIGSYS: 31,
};

/** Signal names by number. */
export const SIGNAL_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(SIGNAL_NUMBERS).map(([name, number]) => [number, name]),
);

/** The first real-time signal; glibc's SIGRTMIN is 34 because it keeps 32 and 33. */
const SIGRTMIN = 34;
const SIGRTMAX = 64;

/** `SIGPIPE`, `SIGRTMIN+3`, or `signal N` for a number Linux does not define. */
export function nameOf(number: number): string {
  const name = SIGNAL_NAMES.get(number);
  if (name !== undefined) return name;
  if (number >= SIGRTMIN && number <= SIGRTMAX) return `SIGRTMIN+${number - SIGRTMIN}`;
  return `signal ${number}`;
}

/** The number of `SIGPIPE`, `pipe` or `SIGRTMIN+3`; `undefined` for other names. */
export function numberOf(name: string): number | undefined {
  const upper = name.toUpperCase();
  const full = upper.startsWith("SIG") ? upper : `SIG${upper}`;
  const realtime = /^SIGRTMIN\+(\d+)$/.exec(full);
  if (realtime !== null) {
    const number = SIGRTMIN + Number(realtime[1]);
    return number <= SIGRTMAX ? number : undefined;
  }
  return SIGNAL_NUMBERS[full];
}

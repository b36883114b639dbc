/**
 * The usual cause of a signal in a student's program (SIGSEGV: a bad pointer, SIGPIPE: a write to a
 * closed connection).
 *
 * @module
 */
import { nameOf, numberOf } from "./_signal_table.ts";

const CAUSES: Readonly<Record<string, string>> = {
  SIGPIPE: "a write to a socket whose peer had closed or reset it, or that never connected " +
    "— ignore SIGPIPE " +
    "(signal(SIGPIPE, SIG_IGN)) or send with MSG_NOSIGNAL",
  SIGSEGV: "a memory error, such as a recv() into a buffer that is too small or a NULL pointer",
  SIGBUS: "a memory access the hardware refused, e.g. a misaligned pointer or a truncated " +
    "mmap()ed file",
  SIGABRT: "abort(), e.g. a failed assert() or a double free",
  SIGFPE: "an arithmetic error, usually an integer division by zero",
  SIGILL: "an illegal instruction, e.g. a corrupted function pointer or a stack smashed by an " +
    "overflowing buffer",
  SIGKILL: "killed from outside, e.g. by the out-of-memory killer, the hard CPU-time limit or " +
    "sockspec at its deadline",
  SIGTERM: "asked to stop from outside, e.g. by sockspec or kill(1)",
  SIGINT: "interrupted, e.g. by Ctrl-C",
  SIGQUIT: "asked to quit and dump core, e.g. by Ctrl-\\",
  SIGHUP: "its terminal or controlling process went away",
  SIGALRM: "an alarm() or timer it set went off with no handler installed",
  SIGXCPU: "the CPU-time limit ran out (a busy loop?)",
  SIGXFSZ: "the file-size limit ran out while writing a file",
  SIGSYS: "a system call that is not allowed or does not exist (a seccomp filter?)",
  SIGTRAP: "a breakpoint or trap instruction, e.g. __builtin_trap() or a debugger",
  SIGUSR1: "SIGUSR1 from another process while no handler was installed",
  SIGUSR2: "SIGUSR2 from another process while no handler was installed",
};

/**
 * The usual cause of a signal that killed a socket program, as one clause without a capital or a
 * final period, for messages such as `killed by SIGPIPE (signal 13): CAUSE`.
 *
 * @param name A signal name, with or without `SIG`, any case: `"SIGPIPE"`, `"pipe"`.
 * @returns The cause, or `undefined` for a signal with no usual cause (SIGCHLD, SIGRTMIN+3) or an
 * unknown name.
 *
 * @example
 * ```ts
 * import { assertEquals, assertStringIncludes } from "@std/assert";
 * import { signalCause } from "./signal_cause.ts";
 * assertStringIncludes(signalCause("SIGPIPE")!, "MSG_NOSIGNAL");
 * assertEquals(signalCause("SIGCHLD"), undefined);
 * ```
 */
export function signalCause(name: string): string | undefined {
  const number = numberOf(name);
  return number === undefined ? undefined : CAUSES[nameOf(number)];
}

/**
 * The resource limits a program under test runs with, and the `--limit NAME=N` flag that changes
 * them.
 *
 * @module
 */
import { CommandError } from "./command_error.ts";

/**
 * Resource limits for a program under test. `Infinity` means no limit.
 *
 * `files` and `cpu` are kernel limits (`RLIMIT_NOFILE`, `RLIMIT_CPU`) that bind each process and
 * that it cannot raise. `processes` and `memory` are enforced by sockspec itself, for the whole
 * program: the kernel's `RLIMIT_NPROC` counts every process of the user and does not bind root at
 * all, and an address-space limit (`RLIMIT_AS`) stops programs that merely reserve address space
 * (Deno and V8 reserve about 48 GiB at start, the JVM and glibc's per-thread malloc arenas
 * gigabytes) long before they use much memory.
 */
export interface Limits {
  /** Open file descriptors per process, sockets included. */
  files: number;
  /** Processes and threads of the program at once, zombies included; one more and it is killed. */
  processes: number;
  /**
   * Bytes of resident memory (RSS) of the whole program, its processes added up; checked every
   * 100 ms, and the program is killed beyond it.
   */
  memory: number;
  /** Seconds of CPU time per process: SIGXCPU at the limit, SIGKILL one second later. */
  cpu: number;
}

/**
 * Limits that suit a student's server: 1024 files, 256 processes and threads, 1 GiB of resident
 * memory for the whole program, 60 s of CPU time. They suit programs on runtimes too (Deno, Node,
 * the JVM, Python with threads): the memory limit counts what a program uses, not the address
 * space it reserves.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { DEFAULT_LIMITS, type Limits, parseLimit } from "./limits.ts";
 * const limits: Limits = { ...DEFAULT_LIMITS, ...parseLimit("memory=unlimited") };
 * assertEquals(limits, { files: 1024, processes: 256, memory: Infinity, cpu: 60 });
 * ```
 */
export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  files: 1024,
  processes: 256,
  memory: 1024 ** 3,
  cpu: 60,
});

/**
 * Parses the value of one `--limit NAME=N` flag. `N` is a whole number of at least 1, or
 * `unlimited`. `memory` takes a size with an optional binary suffix (`512M`, `1G`, `1.5GiB`,
 * `64k`); `cpu` takes seconds with an optional `s`.
 *
 * @param text The flag's value, e.g. `files=64` or `memory=512M`.
 * @returns The one limit it sets, to merge with the others.
 * @throws {CommandError} For an unknown name or a value that is not a positive size or count.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { DEFAULT_LIMITS, type Limits, parseLimit } from "./limits.ts";
 * const flags = ["files=64", "memory=512M"];
 * const limits: Limits = Object.assign({ ...DEFAULT_LIMITS }, ...flags.map(parseLimit));
 * assertEquals(limits.files, 64);
 * assertEquals(limits.memory, 512 * 1024 ** 2);
 * ```
 */
export function parseLimit(text: string): Partial<Limits> {
  const match = /^\s*([A-Za-z]+)\s*=\s*(\S+)\s*$/.exec(text);
  if (match === null) {
    throw new CommandError(
      `Cannot parse limit ${JSON.stringify(text)}: expected NAME=N, e.g. files=64`,
    );
  }
  const name = match[1].toLowerCase();
  if (!Object.hasOwn(EXPECTED, name)) {
    throw new CommandError(
      `Unknown limit ${JSON.stringify(match[1])} in ${JSON.stringify(text)}: ` +
        "expected files, processes, memory or cpu",
    );
  }
  const value = parseValue(name as keyof Limits, match[2]);
  if (value === undefined) {
    throw new CommandError(
      `Cannot parse limit ${JSON.stringify(text)}: ` +
        `expected ${EXPECTED[name as keyof Limits]} or unlimited`,
    );
  }
  return { [name]: value };
}

const EXPECTED: Readonly<Record<keyof Limits, string>> = {
  files: "a whole number of at least 1",
  processes: "a whole number of at least 1",
  memory: "a size such as 512M or 1G",
  cpu: "whole seconds such as 30 or 30s",
};

const SUFFIXES: Readonly<Record<string, number>> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

function parseValue(name: keyof Limits, raw: string): number | undefined {
  if (/^(unlimited|infinity|none)$/i.test(raw)) return Infinity;
  let value: number;
  if (name === "memory") {
    const size = /^(\d+(?:\.\d+)?)([kmg]?)(?:i?b)?$/i.exec(raw);
    if (size === null) return undefined;
    value = Math.floor(Number(size[1]) * SUFFIXES[size[2].toLowerCase()]);
  } else {
    const count = (name === "cpu" ? /^(\d+)s?$/i : /^(\d+)$/).exec(raw);
    if (count === null) return undefined;
    value = Number(count[1]);
  }
  return Number.isSafeInteger(value) && value >= 1 ? value : undefined;
}

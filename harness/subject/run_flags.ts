/**
 * The flags `conform` and `grade` share: which cases run (`--only`, `--skip`), with what seed,
 * time-outs, parameters, repeats and rubric. One list of names for `parseArgs`, one usage line per
 * flag, one parse into {@linkcode RunFlags}, the engine options they give, and the command that
 * reruns one case with them.
 *
 * @module
 */
import { type RunOptions, type Targets, UsageError, WAITS } from "../mod.ts";
import { parseParams, wholeNumber } from "./args.ts";

/** Wait for a connect or for bytes when `--timeout` is not given, in milliseconds (see `WAITS`). */
export const DEFAULT_TIMEOUT_MS: number = WAITS.timeoutMs;
/** Deadline of one case when `--case-timeout` is not given, in milliseconds (see `WAITS`). */
export const DEFAULT_CASE_TIMEOUT_MS: number = WAITS.caseTimeoutMs;

/** The shared flags for `parseArgs` from @std/cli: add each command's own to these lists. */
export const RUN_FLAGS = {
  string: [
    "only",
    "skip",
    "seed",
    "timeout",
    "case-timeout",
    "concurrency",
    "param",
    "repeat",
    "rubric",
  ],
  boolean: ["strict"],
  collect: ["only", "skip", "param"],
} as const;

/** One of the shared flags, by name without its dashes. */
export type RunFlag = typeof RUN_FLAGS.string[number] | typeof RUN_FLAGS.boolean[number];

/** The shared flags, read. */
export interface RunFlags {
  /** Case id prefixes to run (`--only`, repeatable; none: every case). */
  only: string[];
  /** Case id prefixes to leave out (`--skip`, repeatable). */
  skip: string[];
  /** The seed of split plans and payloads: `--seed`, or a random one. */
  seed: number;
  timeoutMs: number;
  caseTimeoutMs: number;
  /** How many run at once (`--concurrency`, default 4): cases for conform, students for grade. */
  concurrency: number;
  /** `--param NAME=N` values. */
  params: Record<string, number>;
  /** Warnings count as failures (`--strict`). */
  strict: boolean;
  /** Times each case runs (`--repeat`, default 1); differing outcomes make it flaky. */
  repeat: number;
  /** The rubric file (`--rubric`), if given. */
  rubric?: string;
}

/** Each shared flag's syntax and what it does, in conform's words. */
const USAGE: Readonly<Record<RunFlag, readonly [syntax: string, text: string]>> = {
  only: ["--only PREFIX", "run only cases whose id starts with PREFIX (repeatable)"],
  skip: ["--skip PREFIX", "leave out cases whose id starts with PREFIX (repeatable)"],
  seed: ["--seed N", "seed for split plans and payloads (default: random, printed in the report)"],
  timeout: ["--timeout MS", `wait for a connect or for bytes (default ${DEFAULT_TIMEOUT_MS})`],
  "case-timeout": [
    "--case-timeout MS",
    `deadline for one case (default ${DEFAULT_CASE_TIMEOUT_MS})`,
  ],
  concurrency: ["--concurrency N", "cases run at once (default 4; load cases always run alone)"],
  param: ["--param NAME=N", "tune a case, e.g. --param clients=1000 (repeatable)"],
  strict: ["--strict", "count warnings as failures"],
  repeat: [
    "--repeat N",
    "run each case N times; a case whose outcomes differ is flaky (a failure)",
  ],
  rubric: ["--rubric FILE", "points and visibility for the gradescope report (JSON or TOML)"],
};

/**
 * One line of a usage text's option list: the option's syntax, then what it does.
 *
 * @example
 * ```ts
 * import { optionLine } from "./run_flags.ts";
 * optionLine("--list", "print every case id and title, and exit");
 * ```
 */
export function optionLine(syntax: string, text: string): string {
  return `  ${syntax.padEnd(20)}${text}`;
}

/**
 * The usage line of a shared flag, in conform's words or in `text` (a command that means
 * something else by it: grade's `--concurrency` counts students).
 *
 * @example
 * ```ts
 * import { runFlagLine } from "./run_flags.ts";
 * runFlagLine("strict"); // "  --strict            count warnings as failures"
 * runFlagLine("concurrency", "students graded at once (default 4)");
 * ```
 */
export function runFlagLine(flag: RunFlag, text?: string): string {
  const [syntax, words] = USAGE[flag];
  return optionLine(syntax, text ?? words);
}

/**
 * Reads the shared flags from `parseArgs` output: a random seed when none is given, numbers
 * checked, `--param` values parsed.
 *
 * @throws {UsageError} for a bad number, seed or parameter.
 * @example
 * ```ts
 * import { parseArgs } from "@std/cli/parse-args";
 * import { readRunFlags, RUN_FLAGS } from "./run_flags.ts";
 * const flags = readRunFlags(parseArgs(["--seed", "7", "--only", "tcp.basic"], RUN_FLAGS));
 * flags.seed; // 7
 * ```
 */
export function readRunFlags(raw: Record<string, unknown>): RunFlags {
  const seed = raw.seed === undefined
    ? Math.floor(Math.random() * 2 ** 31)
    : wholeNumber("seed", raw.seed, 0);
  if (seed > 0xffffffff) throw new UsageError(`Option --seed must be below 2^32, got ${seed}`);
  const number = (name: RunFlag, fallback: number) =>
    raw[name] === undefined ? fallback : wholeNumber(name, raw[name]);
  return {
    only: (raw.only as string[] | undefined) ?? [],
    skip: (raw.skip as string[] | undefined) ?? [],
    seed,
    timeoutMs: number("timeout", DEFAULT_TIMEOUT_MS),
    caseTimeoutMs: number("case-timeout", DEFAULT_CASE_TIMEOUT_MS),
    concurrency: number("concurrency", 4),
    params: parseParams((raw.param as string[] | undefined) ?? []),
    strict: raw.strict === true,
    repeat: number("repeat", 1),
    rubric: raw.rubric as string | undefined,
  };
}

/**
 * The engine options the shared flags set. `concurrency` is not among them: grade's counts
 * students, not cases.
 *
 * @example
 * ```ts
 * import { parseArgs } from "@std/cli/parse-args";
 * import { flagOptions, readRunFlags, RUN_FLAGS } from "./run_flags.ts";
 * flagOptions(readRunFlags(parseArgs(["--seed", "7", "--strict"], RUN_FLAGS)));
 * // { seed: 7, strict: true, timeoutMs: 2000, caseTimeoutMs: 30000, params: {}, repeat: 1 }
 * ```
 */
export function flagOptions(
  flags: RunFlags,
): Required<
  Pick<RunOptions, "seed" | "strict" | "timeoutMs" | "caseTimeoutMs" | "params" | "repeat">
> {
  return {
    seed: flags.seed,
    strict: flags.strict,
    timeoutMs: flags.timeoutMs,
    caseTimeoutMs: flags.caseTimeoutMs,
    params: flags.params,
    repeat: flags.repeat,
  };
}

/**
 * The command that reruns one case exactly as a run with these flags, targets and profile did:
 * `deno task conform`, the case's id as `--only`, the same seed and every flag that changes what
 * the case does.
 *
 * @example
 * ```ts
 * import { parseArgs } from "@std/cli/parse-args";
 * import { parseTargets } from "../mod.ts";
 * import { readRunFlags, reproduceCommand, RUN_FLAGS } from "./run_flags.ts";
 * const flags = readRunFlags(parseArgs(["--seed", "7"], RUN_FLAGS));
 * reproduceCommand(flags, parseTargets(["tcp://127.0.0.1:7"]), "echo", "tcp.basic.connect");
 * // "deno task conform --target tcp://127.0.0.1:7 --profile echo --only tcp.basic.connect --seed 7"
 * ```
 */
export function reproduceCommand(
  flags: RunFlags,
  targets: Targets,
  profileSpec: string,
  id: string,
): string {
  const parts = ["deno task conform"];
  for (const t of [targets.tcp, targets.udp]) if (t) parts.push(`--target ${t.url}`);
  parts.push(`--profile ${profileSpec}`, `--only ${id}`, `--seed ${flags.seed}`);
  if (flags.strict) parts.push("--strict");
  if (flags.timeoutMs !== DEFAULT_TIMEOUT_MS) parts.push(`--timeout ${flags.timeoutMs}`);
  if (flags.caseTimeoutMs !== DEFAULT_CASE_TIMEOUT_MS) {
    parts.push(`--case-timeout ${flags.caseTimeoutMs}`);
  }
  if (flags.repeat > 1) parts.push(`--repeat ${flags.repeat}`);
  for (const [k, v] of Object.entries(flags.params)) parts.push(`--param ${k}=${v}`);
  return parts.join(" ");
}

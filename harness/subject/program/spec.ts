/**
 * The program under test as the user describes it: `--exec 'CMD {port}'` with `--cwd`, `--build`,
 * `--build-timeout`, `--ready-timeout`, `--limit NAME=N` and `--restart`, read into one
 * {@linkcode ExecSpec} and checked before anything runs. `conform` reads it from flags, `grade`
 * from roster columns, `deno test` from `SOCKSPEC_EXEC`.
 *
 * @module
 */
import {
  commandArgv,
  CommandError,
  type Limits,
  parseLimit,
  type Placeholder,
  placeholdersIn,
} from "../../program/mod.ts";
import { type Transport, UsageError } from "../../mod.ts";
import { wholeNumber } from "../args.ts";
import { optionLine } from "../run_flags.ts";

/** What to do when the program dies during the run. */
export type RestartPolicy = "on-crash" | "never";

/** The program under test: how to build it, start it, and keep it running. */
export interface ExecSpec {
  /** The command line with its placeholders, e.g. `./server {port}`. */
  command: string;
  /** The working directory of the build and the program; sockspec's own when absent. */
  cwd?: string;
  /** A command run once before the program, e.g. `make`, with its own deadline. */
  build?: string;
  /** The build's deadline in milliseconds (default 120 000). */
  buildTimeoutMs: number;
  /** How long a start may take to serve its ports, in milliseconds (default 10 000). */
  readyTimeoutMs: number;
  /** Limits replacing the launcher's defaults. */
  limits: Partial<Limits>;
  /** `on-crash` (default): restart on fresh ports after a death; `never`: stop the run there. */
  restart: RestartPolicy;
  /** The address the program is told to use (`{host}`) and is probed on. */
  host: string;
}

/** The default deadline of `--build`. */
export const DEFAULT_BUILD_TIMEOUT_MS = 120_000;
/** The default of `--ready-timeout`. */
export const DEFAULT_READY_TIMEOUT_MS = 10_000;

/** The flags for `parseArgs`, to add to a command's own. */
export const EXEC_FLAGS = {
  string: ["exec", "cwd", "build", "build-timeout", "ready-timeout", "limit", "restart"],
  collect: ["limit"],
} as const;

/** The usage lines of the exec flags. */
export function execFlagLines(): string[] {
  return [
    optionLine(
      "--exec 'CMD ARGS'",
      "launch the program under test: {port}, {tcp}, {udp}, {host} are filled in",
    ),
    optionLine("", "(fresh free ports); the targets follow from them; no --target then"),
    optionLine("--cwd DIR", "run the build and the program in DIR"),
    optionLine("--build 'CMD'", "run CMD once before (e.g. make); its output goes into the report"),
    optionLine("--build-timeout MS", `deadline of the build (default ${DEFAULT_BUILD_TIMEOUT_MS})`),
    optionLine(
      "--ready-timeout MS",
      `wait for the program to serve its ports (default ${DEFAULT_READY_TIMEOUT_MS})`,
    ),
    optionLine(
      "--limit NAME=N",
      "files, processes, memory (resident, e.g. 512M), cpu (s); unlimited (repeatable)",
    ),
    optionLine("--restart WHEN", "on-crash (default: restart on fresh ports) or never"),
  ];
}

/**
 * Reads the exec flags from `parseArgs` output; `undefined` without `--exec`.
 *
 * @throws {UsageError} for a command sockspec cannot use (no placeholder, unknown placeholder, an
 * unterminated quote), a bad limit or number, or `--cwd`/`--build` without `--exec`.
 * @example
 * ```ts
 * import { parseArgs } from "@std/cli/parse-args";
 * import { EXEC_FLAGS, readExecFlags } from "./spec.ts";
 * const raw = parseArgs(["--exec", "./server {port}", "--limit", "files=64"], EXEC_FLAGS);
 * readExecFlags(raw)?.limits; // { files: 64 }
 * ```
 */
export function readExecFlags(raw: Record<string, unknown>): ExecSpec | undefined {
  const command = raw.exec as string | undefined;
  if (command === undefined) {
    for (const flag of ["cwd", "build", "build-timeout", "ready-timeout", "restart"]) {
      if (raw[flag] !== undefined) throw new UsageError(`Option --${flag} needs --exec`);
    }
    if (((raw.limit as string[] | undefined) ?? []).length > 0) {
      throw new UsageError("Option --limit needs --exec");
    }
    return undefined;
  }
  const restart = (raw.restart as string | undefined) ?? "on-crash";
  if (restart !== "on-crash" && restart !== "never") {
    throw new UsageError(`Option --restart takes on-crash or never, got "${restart}"`);
  }
  return execSpec({
    command,
    cwd: raw.cwd as string | undefined,
    build: raw.build as string | undefined,
    buildTimeoutMs: raw["build-timeout"] === undefined
      ? undefined
      : wholeNumber("build-timeout", raw["build-timeout"]),
    readyTimeoutMs: raw["ready-timeout"] === undefined
      ? undefined
      : wholeNumber("ready-timeout", raw["ready-timeout"]),
    limits: readLimits((raw.limit as string[] | undefined) ?? []),
    restart,
  });
}

/**
 * A checked spec from the parts given, the defaults filling the rest (the build and ready
 * deadlines, no extra limits, restart on a crash, loopback): the one place `--exec`, the roster's
 * `command` column and `conformanceTests({ exec })` get their defaults from.
 *
 * @throws {UsageError} as {@linkcode checkExecSpec} does.
 * @example
 * ```ts
 * import { execSpec } from "./spec.ts";
 * execSpec({ command: "./server {port}" }).readyTimeoutMs; // 10000
 * ```
 */
export function execSpec(
  parts: Partial<ExecSpec> & Pick<ExecSpec, "command">,
): ExecSpec {
  return checkExecSpec({
    command: parts.command,
    cwd: parts.cwd,
    build: parts.build,
    buildTimeoutMs: parts.buildTimeoutMs ?? DEFAULT_BUILD_TIMEOUT_MS,
    readyTimeoutMs: parts.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
    limits: parts.limits ?? {},
    restart: parts.restart ?? "on-crash",
    host: parts.host ?? "127.0.0.1",
  });
}

/** Parses `--limit` values into limits, a bad one a {@linkcode UsageError}. */
export function readLimits(values: readonly string[]): Partial<Limits> {
  try {
    return Object.assign({}, ...values.map(parseLimit));
  } catch (e) {
    throw asUsage(e);
  }
}

/**
 * Checks a spec: the command parses, uses only known placeholders and at least one port
 * placeholder, and the build command parses. Returns it as it is.
 *
 * @throws {UsageError} naming the problem.
 * @example
 * ```ts
 * import { checkExecSpec } from "./spec.ts";
 * try {
 *   checkExecSpec({
 *     command: "./server 8080",
 *     buildTimeoutMs: 1000,
 *     readyTimeoutMs: 1000,
 *     limits: {},
 *     restart: "on-crash",
 *     host: "127.0.0.1",
 *   });
 * } catch (e) {
 *   console.log((e as Error).message); // The command "./server 8080" has no port placeholder: …
 * }
 * ```
 */
export function checkExecSpec(spec: ExecSpec): ExecSpec {
  try {
    if (spec.command.trim() === "") throw new CommandError("The command of --exec is empty");
    const used = placeholdersIn(spec.command);
    commandArgv(spec.command); // quotes
    if (!used.some((p) => p !== "host")) {
      throw new CommandError(
        `The command ${JSON.stringify(spec.command)} has no port placeholder: sockspec cannot ` +
          "know where it serves. Put {port} (TCP and UDP), {tcp} or {udp} where its port goes, " +
          "e.g. './server {port}'",
      );
    }
    if (spec.build !== undefined) {
      if (spec.build.trim() === "") throw new CommandError("The command of --build is empty");
      if (placeholdersIn(spec.build).length > 0) {
        throw new CommandError(
          `The build command ${JSON.stringify(spec.build)} may not use placeholders: ` +
            "it runs once, before any port is chosen",
        );
      }
      commandArgv(spec.build);
    }
  } catch (e) {
    throw asUsage(e);
  }
  return spec;
}

/**
 * The transports a command serves, from its placeholders: `{tcp}` TCP, `{udp}` UDP, and `{port}`
 * every transport of the profile (one number for both).
 *
 * @example
 * ```ts
 * import { execTransports } from "./spec.ts";
 * execTransports("./server {port}", ["tcp", "udp"]); // ["tcp", "udp"]
 * execTransports("./server {tcp}", ["tcp", "udp"]); // ["tcp"]
 * ```
 */
export function execTransports(command: string, profile: readonly Transport[]): Transport[] {
  const used: Placeholder[] = placeholdersIn(command);
  return (["tcp", "udp"] as const).filter((t) =>
    used.includes(t) || (used.includes("port") && profile.includes(t))
  );
}

/**
 * The flags that describe this spec again, for a reproduce line.
 *
 * @example
 * ```ts
 * import { execFlagsText } from "./spec.ts";
 * execFlagsText({
 *   command: "./server {port}",
 *   cwd: "hw 1",
 *   buildTimeoutMs: 120000,
 *   readyTimeoutMs: 10000,
 *   limits: {},
 *   restart: "on-crash",
 *   host: "127.0.0.1",
 * }); // "--exec './server {port}' --cwd 'hw 1'"
 * ```
 */
export function execFlagsText(spec: ExecSpec): string {
  const parts = [`--exec ${shellQuote(spec.command)}`];
  if (spec.cwd !== undefined) parts.push(`--cwd ${shellQuote(spec.cwd)}`);
  if (spec.readyTimeoutMs !== DEFAULT_READY_TIMEOUT_MS) {
    parts.push(`--ready-timeout ${spec.readyTimeoutMs}`);
  }
  for (const [name, value] of Object.entries(spec.limits)) {
    parts.push(`--limit ${name}=${value === Infinity ? "unlimited" : value}`);
  }
  if (spec.restart !== "on-crash") parts.push(`--restart ${spec.restart}`);
  return parts.join(" ");
}

/**
 * A `deno task conform ...` reproduce line turned into one that launches the program again
 * (`deno task conform:exec --exec ...`).
 *
 * @example
 * ```ts
 * import { execSpec, withExec } from "./spec.ts";
 * withExec("deno task conform --profile echo --only tcp.basic.connect --seed 7", execSpec({
 *   command: "./server {port}",
 * })); // "deno task conform:exec --exec './server {port}' --profile echo --only ..."
 * ```
 */
export function withExec(line: string, spec: ExecSpec): string {
  return line.replace("deno task conform", `deno task conform:exec ${execFlagsText(spec)}`);
}

/** Quotes a word for `sh` when it needs it. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

function asUsage(e: unknown): unknown {
  return e instanceof CommandError ? new UsageError(e.message, { cause: e }) : e;
}

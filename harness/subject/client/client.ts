/**
 * The client under test as the user gives it: `--client 'CMD {host} {port}'` and `--transport`
 * for `conform`, `SOCKSPEC_CLIENT` for `deno test`, the roster's `client` column for `grade`.
 * Read into a {@linkcode ClientUnderTest}, checked before anything runs (one line and exit 2 for a
 * command that cannot run, no `{port}`, a transport the profile does not speak), and the cases a
 * client run gets.
 *
 * @module
 */
import { CLIENT_CASES } from "../../../suites/client/mod.ts";
import { ALL_CASES } from "../../../suites/mod.ts";
import {
  type Case,
  type ClientUnderTest,
  isRequestReply,
  type Profile,
  UsageError,
} from "../../mod.ts";
import {
  canReadProc,
  checkCommand,
  commandArgv,
  CommandError,
  fillPlaceholders,
  placeholdersIn,
} from "../../program/mod.ts";
import { optionLine } from "../run_flags.ts";

/** The client flags for `parseArgs`, to add to a command's own. */
export const CLIENT_FLAGS = { string: ["client", "transport"] } as const;

/** The usage lines of the client flags. */
export function clientFlagLines(): string[] {
  return [
    optionLine(
      "--client 'CMD'",
      "test a client program instead of a server: CMD runs once per case with {host} and",
    ),
    optionLine("", "{port} of a server sockspec starts, the message on stdin; no --target then"),
    optionLine("--transport T", "with --client: only the tcp or udp cases (the profile has both)"),
  ];
}

/**
 * Reads `--client` and `--transport` from `parseArgs` output; `undefined` without `--client`.
 *
 * @throws {UsageError} for an empty command, one without `{port}`, an unknown transport, or
 * `--transport` without `--client`.
 * @example
 * ```ts
 * import { readClientFlags } from "./client.ts";
 * readClientFlags({ client: "./client {host} {port}", transport: "udp" });
 * // { command: "./client {host} {port}", transport: "udp" }
 * ```
 */
export function readClientFlags(raw: Record<string, unknown>): ClientUnderTest | undefined {
  const command = raw.client as string | undefined;
  const transport = raw.transport as string | undefined;
  if (command === undefined) {
    if (transport !== undefined) {
      throw new UsageError("Option --transport goes with --client 'CMD {host} {port}'");
    }
    return undefined;
  }
  return parseClient(command, transport);
}

/**
 * Parses a client command line and an optional transport, checking what can be checked without
 * a profile: the command has `{port}` (and no `{tcp}` or `{udp}`), its quotes close, and the
 * transport is `tcp` or `udp`.
 *
 * @throws {UsageError} naming the problem.
 * @example
 * ```ts
 * import { parseClient } from "./client.ts";
 * parseClient("nc {host} {port}"); // { command: "nc {host} {port}" }
 * ```
 */
export function parseClient(command: string, transport?: string): ClientUnderTest {
  if (command.trim() === "") throw new UsageError("The command of --client is empty");
  let used;
  try {
    used = placeholdersIn(command);
    commandArgv(command);
  } catch (e) {
    if (e instanceof CommandError) throw new UsageError(e.message, { cause: e });
    throw e;
  }
  const wrong = used.filter((p) => p === "tcp" || p === "udp");
  if (wrong.length > 0) {
    throw new UsageError(
      `The client command ${JSON.stringify(command)} uses {${wrong[0]}}: a client command ` +
        "takes {host} and {port}, the address of the server sockspec starts for each case",
    );
  }
  if (!used.includes("port")) {
    throw new UsageError(
      `The client command ${JSON.stringify(command)} has no {port}: sockspec starts a server on ` +
        "a fresh port for each case and must tell the client where, e.g. './client {host} {port}'",
    );
  }
  if (transport !== undefined && transport !== "tcp" && transport !== "udp") {
    throw new UsageError(`Unknown transport "${transport}" for --transport: expected tcp or udp`);
  }
  return transport === undefined ? { command } : { command, transport };
}

/**
 * Checks, before anything runs, that `client` can be tested with `profile`: the profile has a
 * request and a reply (a client contract), speaks the client's transport, the command's program
 * exists and may be executed, and sockspec may watch it (`/proc`, `--allow-all`).
 *
 * @throws {UsageError} naming the problem.
 * @example
 * ```ts
 * import { assertThrows } from "@std/assert";
 * import { checkClient } from "./client.ts";
 * import { PROFILES } from "../profiles.ts";
 * assertThrows(
 *   () => checkClient({ command: "cat {port}", transport: "udp" }, PROFILES.lp16),
 *   Error,
 *   'Profile "lp16" has no UDP',
 * );
 * ```
 */
export function checkClient(client: ClientUnderTest, profile: Profile): void {
  if (!isRequestReply(profile)) {
    throw new UsageError(
      `Profile "${profile.name}" has no request and reply, so no client contract: client cases ` +
        "need echo, line, lp16, lp32 or a profile module with encode and expectedReply",
    );
  }
  if (client.transport && !profile.transports.includes(client.transport)) {
    throw new UsageError(
      `Profile "${profile.name}" has no ${client.transport.toUpperCase()}: it speaks ${
        profile.transports.map((t) => t.toUpperCase()).join(" and ")
      } (--transport ${client.transport})`,
    );
  }
  try {
    checkCommand(fillPlaceholders(client.command, { host: "127.0.0.1", port: 9 }), client.cwd);
  } catch (e) {
    if (e instanceof CommandError) {
      throw new UsageError(`The client cannot be run: ${e.message}`, { cause: e });
    }
    throw e;
  }
  checkCanWatchClients("--client", "conform");
}

/**
 * Throws unless sockspec may watch client programs: Linux, and Deno's `--allow-all` (only it lets
 * Deno read `/proc`).
 *
 * @param what What asked for a client, for the message: `--client`, `The roster's client column`.
 * @param command The command to run instead: `conform` or `grade`.
 * @throws {UsageError} naming the task that has the permission.
 */
export function checkCanWatchClients(what: string, command: "conform" | "grade"): void {
  if (canReadProc()) return;
  throw new UsageError(
    `${what} needs --allow-all: sockspec reads /proc to watch the client (Deno lets only ` +
      `--allow-all read /proc): run deno task ${command}:exec, or deno run -A ` +
      `harness/cli/${command}.ts`,
  );
}

/** Every case `conform --list` prints: the target cases, then the client cases. */
export const LISTED_CASES: readonly Case[] = [...ALL_CASES, ...CLIENT_CASES];

/**
 * How many cases a client run runs at once unless `--concurrency` says: all of them. Each has its
 * own server and a client that mostly waits, so a client that hangs in every case costs one wait,
 * not one per case.
 */
export const CLIENT_CONCURRENCY: number = CLIENT_CASES.length;

/**
 * A reproduce line (`deno task conform ...`) with the client's flags, when there is a client.
 *
 * @example
 * ```ts
 * import { withClient } from "./client.ts";
 * withClient("deno task conform --profile echo --only client.tcp.reset --seed 7", {
 *   command: "./client {host} {port}",
 * }); // "deno task conform:exec --client './client {host} {port}' --profile echo --only ..."
 * ```
 */
export function withClient(line: string, client: ClientUnderTest | undefined): string {
  return client
    ? line.replace("deno task conform", `deno task conform:exec ${clientFlagsText(client)}`)
    : line;
}

/**
 * The flags that give this client again, for a reproduce line.
 *
 * @example
 * ```ts
 * import { clientFlagsText } from "./client.ts";
 * clientFlagsText({ command: "./client {host} {port}", transport: "tcp" });
 * // "--client './client {host} {port}' --transport tcp"
 * ```
 */
export function clientFlagsText(client: ClientUnderTest): string {
  const quoted = `'${client.command.replaceAll("'", `'\\''`)}'`;
  return `--client ${quoted}` + (client.transport ? ` --transport ${client.transport}` : "");
}

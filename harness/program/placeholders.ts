/**
 * The placeholders of a command line: `./server {host} {port}` names where the host and ports of a
 * run go.
 *
 * @module
 */
import { levenshteinDistance } from "@std/text/levenshtein-distance";
import { CommandError } from "./command_error.ts";

/** A placeholder a command line may use, without its braces. */
export type Placeholder = "host" | "tcp" | "udp" | "port";

/** The values {@linkcode fillPlaceholders} puts into a command line. */
export interface PlaceholderValues {
  /** The address the program should use, for `{host}`, e.g. `127.0.0.1`. */
  host?: string;
  /** The TCP port, for `{tcp}`. */
  tcp?: number;
  /** The UDP port, for `{udp}`. */
  udp?: number;
  /** The port, for `{port}`; when absent `{port}` takes `tcp`, else `udp`. */
  port?: number;
}

const PLACEHOLDERS: readonly Placeholder[] = ["host", "tcp", "udp", "port"];

/**
 * The placeholders a command line uses, each once, in order of first use: `{host}`, `{tcp}`,
 * `{udp}` and `{port}`. Any other `{name}` is a mistake, except inside single quotes (an
 * `awk '{print}'` script), right after `$` (`${HOME}`) or after a backslash (`\{name}` stays as
 * `{name}` once the shell or `parseCommand()` has read it).
 *
 * @param text The command line as the user typed it.
 * @returns The placeholders used.
 * @throws {CommandError} For an unknown placeholder such as `{prot}`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import {
 *   fillPlaceholders,
 *   type Placeholder,
 *   placeholdersIn,
 *   type PlaceholderValues,
 * } from "./placeholders.ts";
 * const command = "./server {tcp} {udp} --log '{print}' ${HOME}";
 * const used: Placeholder[] = placeholdersIn(command); // which ports the run must provide
 * assertEquals(used, ["tcp", "udp"]);
 * const values: PlaceholderValues = { tcp: 41235, udp: 41236 };
 * assertEquals(fillPlaceholders(command, values), "./server 41235 41236 --log '{print}' ${HOME}");
 * ```
 */
export function placeholdersIn(text: string): Placeholder[] {
  const seen: Placeholder[] = [];
  for (const found of findPlaceholders(text)) {
    if (!seen.includes(found.name)) seen.push(found.name);
  }
  return seen;
}

/**
 * Replaces `{host}`, `{tcp}`, `{udp}` and `{port}` in a command line with their values (in any
 * quotes). `{port}` takes `values.port`, else `values.tcp`, else `values.udp`.
 *
 * @param text The command line as the user typed it.
 * @param values The host and ports of this run.
 * @returns The command line with every placeholder replaced.
 * @throws {CommandError} For an unknown placeholder, or one this run has no value for.
 * @throws {RangeError} For a port that is not a whole number from 0 to 65535, or a host with
 * characters other than letters, digits, `.`, `:`, `%`, `_` and `-`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import {
 *   fillPlaceholders,
 *   type Placeholder,
 *   placeholdersIn,
 *   type PlaceholderValues,
 * } from "./placeholders.ts";
 * const command = "./server --bind {host} --port {port}";
 * const values: PlaceholderValues = { host: "127.0.0.1", tcp: 41235 };
 * const used: Placeholder[] = placeholdersIn(command);
 * assertEquals(used.includes("udp"), false); // no UDP port needed
 * assertEquals(fillPlaceholders(command, values), "./server --bind 127.0.0.1 --port 41235");
 * ```
 */
export function fillPlaceholders(text: string, values: PlaceholderValues): string {
  let out = "";
  let from = 0;
  for (const found of findPlaceholders(text)) {
    out += text.slice(from, found.start) + placeholderValue(text, found.name, values);
    from = found.end;
  }
  return out + text.slice(from);
}

function placeholderValue(text: string, name: Placeholder, values: PlaceholderValues): string {
  if (name === "host") {
    if (values.host === undefined) throw missing(text, name, "no host");
    if (!/^[A-Za-z0-9.:%_-]+$/.test(values.host)) {
      throw new RangeError(`Cannot put host ${JSON.stringify(values.host)} into a command`);
    }
    return values.host;
  }
  const port = name === "port" ? values.port ?? values.tcp ?? values.udp : values[name];
  if (port === undefined) {
    const what = { tcp: "no TCP port", udp: "no UDP port", port: "neither a TCP nor a UDP port" };
    throw missing(text, name, what[name]);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(
      `Cannot put port ${JSON.stringify(port)} into a command: expected 0 to 65535`,
    );
  }
  return String(port);
}

function missing(text: string, name: Placeholder, what: string): CommandError {
  return new CommandError(
    `Placeholder "{${name}}" in ${JSON.stringify(text)} has no value: this run has ${what}`,
  );
}

interface Found {
  name: Placeholder;
  start: number;
  end: number;
}

/** The known placeholders in order; throws on an unknown one outside single quotes. */
function findPlaceholders(text: string): Found[] {
  const found: Found[] = [];
  let single = false;
  let double = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (single) {
      if (c === "'") {
        single = false;
        continue;
      }
    } else if (c === "\\") {
      i++; // the next character is literal, the brace of `\{port}` included
      continue;
    } else if (c === "'" && !double) {
      single = true;
      continue;
    } else if (c === '"') {
      double = !double;
      continue;
    }
    if (c !== "{" || text[i - 1] === "$") continue;
    const match = /^\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(text.slice(i));
    if (match === null) continue;
    const name = match[1];
    if ((PLACEHOLDERS as readonly string[]).includes(name)) {
      found.push({ name: name as Placeholder, start: i, end: i + match[0].length });
    } else if (!single) {
      throw unknownPlaceholder(text, name);
    }
    i += match[0].length - 1;
  }
  return found;
}

function unknownPlaceholder(text: string, name: string): CommandError {
  const close = PLACEHOLDERS
    .map((known) => ({ known, distance: levenshteinDistance(name.toLowerCase(), known) }))
    .filter((c) => c.distance <= 2)
    .sort((a, b) => a.distance - b.distance)[0];
  const hint = close === undefined
    ? "expected {host}, {tcp}, {udp} or {port} (write \\{ for a literal brace)"
    : `did you mean {${close.known}}?`;
  return new CommandError(`Unknown placeholder "{${name}}" in ${JSON.stringify(text)}: ${hint}`);
}

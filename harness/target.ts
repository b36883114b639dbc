/**
 * Targets: a transport, a host and a port, parsed from `tcp://HOST:PORT` and `udp://HOST:PORT`.
 *
 * @module
 */
import { UsageError } from "./errors.ts";
import type { TargetInfo } from "./result.ts";

/** A transport sockspec speaks. */
export type Transport = "tcp" | "udp";

/** A parsed target: one transport, one host, one port. */
export interface Target extends TargetInfo {
  transport: Transport;
  /** The host as given, without IPv6 brackets: `127.0.0.1`, `::1`, `localhost`. */
  host: string;
  port: number;
  /** The canonical form, e.g. `tcp://[::1]:7`. */
  url: string;
}

const PATTERN = /^([a-z0-9]+):\/\/(\[[^\]]*\]|[^:/\[\]]*)(?::([^/]*))?\/?$/i;

/**
 * Parses `tcp://HOST:PORT` or `udp://HOST:PORT`. IPv6 hosts go in brackets: `tcp://[::1]:7`.
 *
 * @throws {UsageError} with one line naming the problem.
 * @example
 * ```ts
 * import { parseTarget } from "./target.ts";
 * const t = parseTarget("udp://[::1]:7"); // { transport: "udp", host: "::1", port: 7, ... }
 * ```
 */
export function parseTarget(text: string): Target {
  const usage = (why: string) =>
    new UsageError(
      `Cannot parse target "${text}": ${why}; expected tcp://HOST:PORT or udp://HOST:PORT`,
    );
  const m = PATTERN.exec(text.trim());
  if (!m) throw usage("not a URL");
  const scheme = m[1].toLowerCase();
  if (scheme !== "tcp" && scheme !== "udp") throw usage(`unknown scheme "${m[1]}"`);
  let host = m[2];
  if (!host.startsWith("[") && m[3]?.includes(":")) {
    throw usage("an IPv6 host goes in brackets, as in tcp://[::1]:7");
  }
  if (host.startsWith("[")) {
    host = host.slice(1, -1);
    if (!host.includes(":")) throw usage("brackets are for IPv6 addresses");
  }
  if (host === "") throw usage("no host");
  if (m[3] === undefined || m[3] === "") throw usage("no port");
  if (!/^\d+$/.test(m[3])) throw usage(`port "${m[3]}" is not a number`);
  const port = Number(m[3]);
  if (port < 1 || port > 65535) throw usage(`port ${port} is outside 1-65535`);
  return makeTarget(scheme, host, port);
}

/**
 * The target of `transport` at `host` and `port`, with its canonical URL: the one way a target is
 * built from its parts.
 *
 * @example
 * ```ts
 * import { makeTarget } from "./target.ts";
 * makeTarget("tcp", "::1", 7).url; // "tcp://[::1]:7"
 * ```
 */
export function makeTarget(transport: Transport, host: string, port: number): Target {
  return { transport, host, port, url: formatTarget(transport, host, port) };
}

/**
 * Formats a target URL, bracketing IPv6 hosts.
 *
 * @example
 * ```ts
 * import { formatTarget } from "./target.ts";
 * formatTarget("tcp", "::1", 7); // "tcp://[::1]:7"
 * ```
 */
export function formatTarget(transport: Transport, host: string, port: number): string {
  return `${transport}://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/** The targets of a run: at most one per transport. */
export interface Targets {
  tcp?: Target;
  udp?: Target;
}

/**
 * Parses the `--target` values of a run into at most one TCP and one UDP target.
 *
 * @throws {UsageError} when none is given or a transport is given twice.
 * @example
 * ```ts
 * import { parseTargets } from "./target.ts";
 * parseTargets(["tcp://127.0.0.1:8888", "udp://127.0.0.1:8888"]); // same number, two ports
 * ```
 */
export function parseTargets(texts: readonly string[]): Targets {
  if (texts.length === 0) {
    throw new UsageError("No target: give --target tcp://HOST:PORT or udp://HOST:PORT");
  }
  const out: Targets = {};
  for (const text of texts) {
    const t = parseTarget(text);
    const seen = out[t.transport];
    if (seen) {
      throw new UsageError(
        `Two ${t.transport.toUpperCase()} targets ("${seen.url}" and "${t.url}"): give at most one per transport`,
      );
    }
    out[t.transport] = t;
  }
  return out;
}

/**
 * The targets of a run as the report lists them: TCP first, then UDP.
 *
 * @example
 * ```ts
 * import { parseTargets, targetList } from "./target.ts";
 * targetList(parseTargets(["udp://127.0.0.1:7", "tcp://127.0.0.1:7"]))[0].transport; // "tcp"
 * ```
 */
export function targetList(targets: Targets): TargetInfo[] {
  return [targets.tcp, targets.udp].filter((t) => t !== undefined).map((t) => ({
    url: t.url,
    transport: t.transport,
    host: t.host,
    port: t.port,
  }));
}

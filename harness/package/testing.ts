/**
 * sockspec's cases as `Deno.test`s in your own repository: one test per case that applies to your
 * target and profile, named by its id, failing exactly when `conform` would count the case against
 * the run (fail, error or flaky), with the requirement, the evidence and a reproduce line.
 *
 * ```ts ignore
 * // my_server_test.ts — deno test --allow-net my_server_test.ts
 * import { conformanceTests } from "jsr:@sockspec/sockspec/testing";
 * conformanceTests({ target: "tcp://127.0.0.1:7777", profile: "echo" });
 * ```
 *
 * UDP targets need `--unstable-net` (or `"unstable": ["net"]` in your deno.json). A client
 * program (`client: "./client {host} {port}"`) is tested by the client cases instead; that needs
 * `--allow-all`. With `exec` instead of a target, each test launches your server on fresh ports
 * and kills it after (`--allow-all` too: sockspec watches it through `/proc`):
 *
 * ```ts ignore
 * conformanceTests({ exec: { command: "./server {port}", build: "make" }, profile: "echo" });
 * ```
 *
 * @module
 */
import { caseDetail } from "../../reports/mod.ts";
import {
  type Case,
  clientNotApplicable,
  isProblem,
  notApplicable,
  type Params,
  type Profile,
  selectCases,
  UsageError,
} from "../mod.ts";
import { PROFILES } from "../subject/profiles.ts";
import { referenceSubject } from "../subject/reference/subject.ts";
import { subjectFromOptions } from "../subject/registry.ts";
import { ReferenceProblem } from "../subject/program/protocol_reference.ts";
import { runnableCases, runSubject } from "../subject/run.ts";
import { isProtocolFile, loadProtocolFile } from "../../suites/protocol/mod.ts";
import {
  DEFAULT_CASE_TIMEOUT_MS,
  DEFAULT_TIMEOUT_MS,
  type RunFlags,
} from "../subject/run_flags.ts";
import type { Subject } from "../subject/subject.ts";

/** What {@linkcode conformanceTests} tests, and how. */
export interface ConformanceTestOptions {
  /**
   * The target(s): `tcp://HOST:PORT` and/or `udp://HOST:PORT` (a list, or one string with spaces
   * between). Without one, the tests run against the profile's own reference servers.
   */
  target?: string | readonly string[];
  /**
   * A client program to test instead of a target: its command line with `{host}` and `{port}`;
   * the client cases run it against servers of their own.
   */
  client?: string;
  /** With `client`: only the cases of this transport (`tcp` or `udp`). */
  transport?: string;
  /** A built-in profile name (`echo`, `lp16`, …) or a profile object (default `echo`). */
  profile?: string | Profile;
  /** Only cases whose id starts with one of these prefixes (e.g. `tcp.framing`). */
  only?: readonly string[];
  /** Leave out cases whose id starts with one of these prefixes. */
  skip?: readonly string[];
  /** The seed for split plans and payloads (default: random, printed in every failure). */
  seed?: number;
  /** Wait for a connect or for bytes, in milliseconds (default 2000). */
  timeoutMs?: number;
  /** Deadline of one case, in milliseconds (default 30 000). */
  caseTimeoutMs?: number;
  /** Count warnings as failures. */
  strict?: boolean;
  /** Run parameters, e.g. `{ clients: 100 }`. */
  params?: Params;
  /**
   * The program under test, launched for each test on fresh ports and killed after it: a command
   * line with placeholders (`./server {port}`), or the command with a working directory, a build
   * command (run once, before the first test), a ready time-out and `--limit` values. Not with
   * `target`. The `process.*` cases apply then. Needs `--allow-all`.
   */
  exec?: string | ConformanceExec;
  /** Put before every test name (default none). */
  prefix?: string;
  /** The command that reruns one case, for failure messages (default: a `deno task conform` line). */
  reproduce?: (id: string, seed: number) => string;
  /** Registers a test (default `Deno.test`). */
  register?: (name: string, fn: () => Promise<void>) => void;
}

/** The program under test of {@linkcode conformanceTests}, with what goes with it. */
export interface ConformanceExec {
  /** The command line, e.g. `./server {port}`. */
  command: string;
  /** Where the build and the program run. */
  cwd?: string;
  /** Run once, before the first test, e.g. `make`. */
  build?: string;
  /** How long a start may take to serve its ports (default 10 000 ms). */
  readyTimeoutMs?: number;
  /** `--limit` values, e.g. `["files=256"]`. */
  limits?: readonly string[];
}

/** One registered test: its name and the case it runs. */
export interface ConformanceTest {
  name: string;
  case: Case;
}

/**
 * Registers one `Deno.test` per sockspec case that applies to the target and profile, and returns
 * what it registered. A case that fails throws with its requirement, what it observed, expected vs
 * actual and the reproduce line.
 *
 * @throws {UsageError} for a malformed target or an unknown profile name.
 * @example
 * ```ts
 * import { conformanceTests } from "./testing.ts";
 * // No target: the `lp16` reference servers; only the basic TCP cases, run here by hand.
 * const tests = new Map<string, () => Promise<void>>();
 * conformanceTests({
 *   profile: "lp16",
 *   only: ["tcp.basic"],
 *   seed: 7,
 *   register: (name, fn) => tests.set(name, fn),
 * });
 * for (const [name, run] of tests) {
 *   await run(); // throws with the evidence when the case fails
 *   console.log("ok", name);
 * }
 * ```
 */
export function conformanceTests(options: ConformanceTestOptions = {}): ConformanceTest[] {
  const profile = resolveProfile(options.profile ?? "echo");
  // Without a target, exec or client: the profile's reference servers, served per test.
  const subject: Subject = subjectFromOptions(options) ?? referenceSubject();
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  // The flags a reproduce line repeats: what this call changed from conform's defaults.
  const flags: RunFlags = {
    only: [],
    skip: [],
    seed,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    caseTimeoutMs: options.caseTimeoutMs ?? DEFAULT_CASE_TIMEOUT_MS,
    concurrency: 1,
    params: { ...options.params },
    strict: options.strict ?? false,
    repeat: 1,
  };
  const declared = subject.declared(profile);
  const runnable = runnableCases(subject.cases, [profile], subject.client !== undefined);
  const cases = selectCases(runnable.cases, options.only ?? [], options.skip ?? [])
    .filter((c) =>
      (clientNotApplicable(c.appliesTo, profile, subject.client) ??
        notApplicable(c, declared, profile, subject.launched)) === null
    );
  const given = options.reproduce;
  const run: Subject = given
    ? { ...subject, reproduce: (_flags, _spec, id) => given(id, seed) }
    : subject;
  const registered: ConformanceTest[] = [];
  for (const c of cases) {
    const name = `${options.prefix ?? ""}${c.id}`;
    registered.push({ name, case: c });
    (options.register ?? Deno.test)(name, async () => {
      // A protocol file's reference program is launched by runSubject, once for all the tests.
      const ran = await runSubject({
        subject: run,
        cases: [c],
        profile,
        profileSpec: profile.name,
        flags,
      }).catch((e) => {
        if (e instanceof ReferenceProblem) throw new Error(e.lines.join("\n"), { cause: e });
        throw e;
      });
      if (!ran.ok) {
        const { message, details } = ran.failure;
        throw new Error([message, ...details.map((l) => `  ${l}`)].join("\n"));
      }
      if (ran.stopped) throw ran.stopped;
      const result = ran.report.cases[0];
      if (isProblem(result)) throw new Error(caseDetail(result).join("\n"));
    });
  }
  return registered;
}

function resolveProfile(spec: string | Profile): Profile {
  if (typeof spec !== "string") return spec;
  if (isProtocolFile(spec)) return loadProtocolFile(spec);
  const p = PROFILES[spec];
  if (!p) {
    throw new UsageError(
      `Unknown profile "${spec}": expected one of ${
        Object.keys(PROFILES).join(", ")
      } or a profile object`,
    );
  }
  return p;
}

/**
 * The case contract: what a case is ({@linkcode Case}), what it runs with ({@linkcode CaseContext}),
 * what a target speaks ({@linkcode Profile}) and the reference server handlers a profile carries.
 *
 * @module
 */
import type { ClientContract, ClientUnderTest } from "./client/types.ts";
import type { Evidence } from "./errors.ts";
import type { ProgramUnderTest } from "./watched_program.ts";
import type { CaseResult } from "./result.ts";
import type { Rng } from "./rng.ts";
import type { Target, Targets, Transport } from "./target.ts";
import type { TcpClient } from "./tcp_client.ts";
import type { Transcript } from "./transcript.ts";
import type { UdpClient } from "./udp_client.ts";

/** Where a profile's framing lives, so splitters can cut inside it. */
export type Framing =
  /** No framing: every byte sent comes back (echo). */
  | { kind: "stream" }
  /** A request ends with `delimiter` (line: `\n`). */
  | { kind: "delimiter"; delimiter: Uint8Array }
  /**
   * A big-endian length of `headerBytes` bytes, then that many payload bytes. A fixed header
   * (a protocol file's `{ header = 4, length_at = 2, length_bytes = 2 }`) has `size` bytes with
   * the length at offset `at` (defaults: the length alone, `at` 0, `size` `headerBytes`).
   */
  | { kind: "length-prefix"; headerBytes: 2 | 4; at?: number; size?: number }
  /** The profile is not request/reply (discard, chargen, daytime, time). */
  | { kind: "none" };

/**
 * What a target speaks: its transports, how to build requests, and the reply a correct server
 * sends. Request/reply profiles define `encode` and `expectedReply`; service profiles (discard,
 * daytime, …) leave them out and their own cases check them.
 *
 * A user's profile is a module whose default export (or `profile` export) is one of these; see
 * `fixtures/example_profile.ts`.
 */
export interface Profile {
  /** Short name used with `--profile`, e.g. `echo`. */
  name: string;
  /** One line: what the profile is. */
  description: string;
  /** Transports a server of this profile serves. */
  transports: readonly Transport[];
  framing: Framing;
  /** Wraps a payload as one request (echo: as is; line: payload + `\n`; lp16: length + payload). */
  encode?(payload: Uint8Array): Uint8Array;
  /** The reply a correct server sends to one `request`. */
  expectedReply?(request: Uint8Array): Uint8Array;
  /** Largest payload one request may carry. */
  maxPayload?: number;
  /** Bytes a payload must not contain (line: `0x0a`). */
  forbidden?: readonly number[];
  /**
   * Checks that the server still serves a fresh client on `transport` (the liveness probe after a
   * destructive case). Throws a CaseFailure when it does not. Default: one sample request and
   * its reply, for request/reply profiles.
   */
  probe?(t: CaseContext, transport: Transport): Promise<void>;
  /**
   * Cases that do not apply to this profile, by id or id prefix (`client` rules out every
   * `client.*` case), with why (a protocol file that allows no pipelining rules out
   * `tcp.framing.pipelined`): the runner skips them with that reason.
   */
  ruledOut?: Readonly<Record<string, string>>;
  /** The reference server, for `serve`, the demo and the self-check. */
  reference?: Reference;
  /**
   * What a client of this profile reads on stdin and prints on stdout, when it differs from what
   * the framing implies (see `clientContract()`).
   */
  clientContract?: ClientContract;
}

/** A request/reply profile: one with `encode` and `expectedReply`. */
export type RequestReplyProfile = Profile & Required<Pick<Profile, "encode" | "expectedReply">>;

/** Handles one accepted TCP connection of a reference server; the server closes it after. */
export type TcpHandler = (conn: Deno.TcpConn, signal: AbortSignal) => Promise<void>;

/** Handles one datagram of a reference UDP server; it may answer on `socket`. */
export type UdpHandler = (
  data: Uint8Array,
  from: Deno.NetAddr,
  socket: Deno.DatagramConn,
) => Promise<void> | void;

/** A reference server: the handlers of its TCP side, its UDP side, or both. */
export interface Reference {
  tcp?: TcpHandler;
  udp?: UdpHandler;
}

/** What a case needs from the run before it can apply. */
export interface AppliesTo {
  /** The target it needs: `tcp`, `udp`, or `any` (it looks at `t.targets` itself). */
  transport: Transport | "any";
  /** Only these profiles (by name). */
  profiles?: readonly string[];
  /** Needs a request/reply profile (one with `encode` and `expectedReply`). */
  requestReply?: boolean;
  /** Needs one of these framings (e.g. `length-prefix` for byte-order cases). */
  framing?: readonly ("stream" | "delimiter" | "length-prefix" | "none")[];
  /** Needs the program under test (`--exec`): sockspec launched it and can watch and stop it. */
  program?: boolean;
  /**
   * Which targets must be given (`true`) or must not be (`false`), with the skip reason when
   * they are not as asked: decided before the case runs, so a death during the run never turns
   * a case that does not apply into a fail.
   */
  targets?: { tcp?: boolean; udp?: boolean; reason: string };
  /**
   * Tests a client program (`--client`) instead of a target: no target is needed, and
   * `transport` is the one the client speaks.
   */
  client?: boolean;
}

/**
 * One scenario: data plus one function. `id` is a stable dotted name (`tcp.basic.single-request`);
 * `requirement` quotes the socket rule or RFC sentence it checks.
 *
 * @example
 * ```ts
 * import type { Case } from "./case.ts";
 * export const connect: Case = {
 *   id: "tcp.basic.connect",
 *   title: "The server accepts a TCP connection",
 *   requirement: "A listening socket completes the three-way handshake",
 *   appliesTo: { transport: "tcp" },
 *   async run(t) {
 *     await t.connect();
 *   },
 * };
 * ```
 */
export interface Case {
  id: string;
  title: string;
  requirement: string;
  appliesTo: AppliesTo;
  /**
   * Loads the server (many connections, churn): runs alone, never beside another case, in the
   * load step. `"last"`: last of the load step, after the crowds (a burst leaves handshakes for
   * the server to accept after it ends; churn leaves one connection at a time).
   */
  exclusive?: boolean | "last";
  /**
   * Runs alone, so that a server that dies during it is blamed on it and on nothing else (see
   * `schedule()`): `measure` first of all, on the program as it started (the `process.*` cases);
   * `first` before the shared cases (the plainest exchanges: a server that dies at its first
   * connection or disconnect dies in one of them); `hazard` after them, for a case that can take
   * a buggy server down (bad input, a reset, an abort, a slow reader, a large or binary payload).
   */
  alone?: "measure" | "first" | "hazard";
  /** This case's own deadline in milliseconds (default: the run's per-case deadline). */
  timeoutMs?: number;
  /** Scenario hooks the runner calls without knowing what they do (e.g. wrong-transport hints). */
  hooks?: CaseHooks;
  run(t: CaseContext): Promise<void>;
}

/**
 * What a case may ask the runner to call around it. The engine knows no scenario: a suite that
 * wants to explain a failure in its own terms (e.g. "nothing on TCP 7, but UDP 7 answers") does it
 * here.
 */
export interface CaseHooks {
  /** A connect of the case failed: returns the error to throw instead (or `error` as it is). */
  connectFailed?(error: unknown, to: Target, t: CaseContext): Promise<unknown>;
  /** The case ended: may add to its result before it is reported. */
  finished?(
    result: CaseResult,
    run: { targets: Targets; profile: Profile; transport: Transport | "any" },
  ): Promise<void>;
}

/** Numbers a run may tune, e.g. `clients`, `churn`, `burst`. */
export type Params = Readonly<Record<string, number>>;

/** What a case gets to work with. */
export interface CaseContext {
  /** This case's id. */
  readonly id: string;
  readonly profile: Profile;
  readonly targets: Targets;
  /** The TCP target (the case is skipped when there is none). */
  readonly tcp: Target;
  /** The UDP target (the case is skipped when there is none). */
  readonly udp: Target;
  /**
   * The program under test, when sockspec launched it (`--exec`); the case is skipped when there
   * is none.
   */
  readonly program: ProgramUnderTest;
  /**
   * The program under test when sockspec launched it (`--exec`), else undefined: for a case that
   * applies either way and sizes itself from the program's limits.
   */
  readonly launched: ProgramUnderTest | undefined;
  /** The client under test (`--client`); the case is skipped when there is none. */
  readonly client: ClientUnderTest;
  /** Seeded from the run's seed and this case's id. */
  readonly rng: Rng;
  /** This case's seed. */
  readonly seed: number;
  /** The default time, in milliseconds, to wait for a connect or for bytes. */
  readonly timeoutMs: number;
  /** True under `--strict`. */
  readonly strict: boolean;
  /** Aborts when the case's deadline passes. */
  readonly signal: AbortSignal;
  readonly transcript: Transcript;
  /** Returns a run parameter, or `fallback` when the run did not set it. */
  param(name: string, fallback: number): number;
  /**
   * Connects to the TCP target (or `to`); closed when the case ends. A ConnectFailed that ends the
   * case is judged by the runner's rule (`verdict()`): an error when nothing listened when the run
   * began, the target's fail when it did.
   */
  connect(
    options?: { to?: Target; label?: string; noDelay?: boolean; timeoutMs?: number },
  ): Promise<
    TcpClient
  >;
  /** Opens a UDP socket towards the UDP target (or `to`); closed when the case ends. */
  datagram(
    options?: { to?: Target; label?: string; bufferSize?: number; timeoutMs?: number },
  ): UdpClient;
  /** Ends the case as `fail`: the target broke the requirement. */
  fail(message: string, evidence?: Evidence): never;
  /** Ends the case as `error`: it could not test the target. */
  error(message: string): never;
  /** Ends the case as `skip`: it does not apply. */
  skip(reason: string): never;
  /** Notes something allowed but poor; the case ends `warn` (a `fail` under `--strict`). */
  warn(message: string): void;
  /** Records a measurement; a case that calls this and does not fail ends `info`. */
  info(message: string, data?: Record<string, unknown>): void;
  /**
   * Checks that a fresh client is still served on `transport` (default: the case's). Fails the
   * case, naming `after`, when it is not.
   */
  liveness(after: string, transport?: Transport): Promise<void>;
  /**
   * Before a load case loads the server: checks that the target answers a single client on
   * `transport` (default: the case's). When simpler cases of this run got answers, it does; when
   * they asked and got none, the case fails at once, naming `what` it would have done; when none
   * asked yet, the run's shared probe (one client alone, run at most once) decides. A target that
   * serves no one is not loaded with thousands of clients.
   */
  beforeLoad(what: string, transport?: Transport): Promise<void>;
  /** Sleeps, ending early when the case's deadline passes. */
  sleep(ms: number): Promise<void>;
}

import type { Evidence } from "./errors.ts";
import type { Profile } from "./profile.ts";
import type { Rng } from "./rng.ts";
import type { Target, Targets, Transport } from "./target.ts";
import type { TcpClient } from "./tcp_client.ts";
import type { Transcript } from "./transcript.ts";
import type { UdpClient } from "./udp_client.ts";

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
  /** Loads the server (many connections, churn): runs alone, never beside another case. */
  exclusive?: boolean;
  /** This case's own deadline in milliseconds (default: the run's per-case deadline). */
  timeoutMs?: number;
  run(t: CaseContext): Promise<void>;
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
  /** Connects to the TCP target (or `to`); closed when the case ends. ConnectFailed is an error. */
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
  /** Sleeps, ending early when the case's deadline passes. */
  sleep(ms: number): Promise<void>;
}

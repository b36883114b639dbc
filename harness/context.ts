/**
 * The case context: what a running case is given (`t.connect()`, `t.profile`, `t.rng`, hooks), and the
 * run's tally and shared probe of whether the target answers one client at all.
 *
 * @module
 */
import { equals } from "@std/bytes";
import { sleep } from "./_deadline.ts";
import type { CaseContext, CaseHooks, Params, Profile } from "./case.ts";
import { CaseError, CaseFailure, CaseSkip, type Evidence } from "./errors.ts";
import { describeBytes } from "./hexdump.ts";
import { isRequestReply, sampleRequest } from "./profile.ts";
import type { ProgramUnderTest } from "./watched_program.ts";
import { type ClientUnderTest, NO_CLIENT } from "./client/types.ts";
import { makeRng, type Rng } from "./rng.ts";
import type { Target, Targets, Transport } from "./target.ts";
import { ConnectFailed, TcpClient } from "./tcp_client.ts";
import { Transcript } from "./transcript.ts";
import { UdpClient } from "./udp_client.ts";
import type { Reachability } from "./verdict.ts";
import { PendingWaits, WAITS } from "./waits.ts";

/**
 * When Linux first resends an unanswered SYN, in milliseconds: a connect whose SYN was dropped (a
 * full listen queue) completes no sooner than this, and a client retries it after this long.
 */
export const FIRST_SYN_RESEND_MS: number = WAITS.firstSynResendMs;

/**
 * Whether one client alone is served on a transport: null when it is, else what went wrong. The
 * runner probes at most once per run and transport, and shares the answer among the load cases.
 */
export type SoloProbe = (transport: Transport) => Promise<string | null>;

/**
 * What the target did with this run's requests so far, per transport: how many were tried (a TCP
 * reply awaited, a datagram sent) and how many answered (a TCP reply that matched, a datagram
 * back). The load cases read it before loading the target (see `beforeLoad()`).
 */
export class RunTally {
  /** Requests tried, per transport. */
  readonly tried: Record<Transport, number> = { tcp: 0, udp: 0 };
  /** Requests answered, per transport. */
  readonly answered: Record<Transport, number> = { tcp: 0, udp: 0 };

  /** The counting function a client of `transport` calls. */
  counter(transport: Transport): (event: "tried" | "answered") => void {
    return (event) => this[event][transport]++;
  }
}

/** Why a case that needs the program under test does not apply without one. */
export const NO_PROGRAM =
  "Needs the program under test: run with --exec 'CMD {port}' so sockspec launches and watches it";

/** Everything a context is made from. */
export interface ContextOptions {
  id: string;
  profile: Profile;
  targets: Targets;
  seed: number;
  timeoutMs: number;
  strict: boolean;
  params: Params;
  signal: AbortSignal;
  /** The transport the case was declared for, used by `liveness()` by default. */
  transport: Transport | "any";
  /** The case's hooks (e.g. a better error for a failed connect). */
  hooks?: CaseHooks;
  /** The program under test, when sockspec launched it. */
  program?: ProgramUnderTest;
  /** The client under test (`--client`), for client cases. */
  client?: ClientUnderTest;
  /** The run's shared single-client probe (default: this context probes for itself). */
  solo?: SoloProbe;
  /** The run's tally of requests tried and answered (default: this context's own). */
  tally?: RunTally;
  /**
   * What the TCP target did with the run's first connect (the runner's first look): a load case
   * does not load a target that never accepted one, it could not be tested.
   */
  tcpAtStart?: Reachability;
}

/**
 * The {@linkcode CaseContext} a runner hands a case. It owns every socket the case opens and
 * closes them all in {@linkcode CaseRun.dispose}, so a case that throws or times out leaks nothing.
 */
export class CaseRun implements CaseContext {
  readonly id: string;
  readonly profile: Profile;
  readonly targets: Targets;
  readonly rng: Rng;
  readonly seed: number;
  readonly timeoutMs: number;
  readonly strict: boolean;
  readonly signal: AbortSignal;
  readonly transcript: Transcript = new Transcript();
  /** Warnings the case raised. */
  readonly warnings: string[] = [];
  /** Info messages and measurements the case recorded. */
  readonly infos: string[] = [];
  readonly data: Record<string, unknown> = {};
  /** The waits on the target open right now, for the message of a deadline that passes. */
  readonly waits: PendingWaits = new PendingWaits();
  #params: Params;
  #transport: Transport | "any";
  #hooks: CaseHooks;
  #program?: ProgramUnderTest;
  #client?: ClientUnderTest;
  #solo?: SoloProbe;
  #tally: RunTally;
  #tcpAtStart?: Reachability;
  #sockets: { close(): Promise<void>; readonly closed?: boolean }[] = [];
  #pruneAt = 256;
  #tcpCount = 0;
  #udpCount = 0;

  /** @param options What the case runs against. */
  constructor(options: ContextOptions) {
    this.id = options.id;
    this.profile = options.profile;
    this.targets = options.targets;
    this.seed = options.seed;
    this.rng = makeRng(options.seed);
    this.timeoutMs = options.timeoutMs;
    this.strict = options.strict;
    this.signal = options.signal;
    this.#params = options.params;
    this.#transport = options.transport;
    this.#hooks = options.hooks ?? {};
    this.#program = options.program;
    this.#client = options.client;
    this.#solo = options.solo;
    this.#tally = options.tally ?? new RunTally();
    this.#tcpAtStart = options.tcpAtStart;
  }

  get tcp(): Target {
    return this.targets.tcp ?? this.skip("No TCP target given");
  }

  get udp(): Target {
    return this.targets.udp ?? this.skip("No UDP target given");
  }

  get program(): ProgramUnderTest {
    return this.#program ?? this.skip(NO_PROGRAM);
  }

  get launched(): ProgramUnderTest | undefined {
    return this.#program;
  }

  get client(): ClientUnderTest {
    return this.#client ?? this.skip(NO_CLIENT);
  }

  param(name: string, fallback: number): number {
    return this.#params[name] ?? fallback;
  }

  async connect(
    options: { to?: Target; label?: string; noDelay?: boolean; timeoutMs?: number } = {},
  ): Promise<TcpClient> {
    const to = options.to ?? this.tcp;
    let client: TcpClient;
    try {
      client = await TcpClient.connect(to, {
        label: options.label ?? `c${++this.#tcpCount}`,
        transcript: this.transcript,
        signal: this.signal,
        timeoutMs: options.timeoutMs ?? this.timeoutMs,
        noDelay: options.noDelay,
        waits: this.waits,
        tally: this.#tally.counter("tcp"),
      });
    } catch (e) {
      throw this.#hooks.connectFailed ? await this.#hooks.connectFailed(e, to, this) : e;
    }
    // A load case connects thousands of times: clients it closed are dropped from the list, so
    // they can be collected before the case ends.
    if (this.#sockets.length >= this.#pruneAt) {
      this.#sockets = this.#sockets.filter((s) => !s.closed);
      this.#pruneAt = Math.max(256, 2 * this.#sockets.length);
    }
    this.#sockets.push(client);
    return client;
  }

  datagram(
    options: { to?: Target; label?: string; bufferSize?: number; timeoutMs?: number } = {},
  ): UdpClient {
    const to = options.to ?? this.udp;
    const client = UdpClient.open(to, {
      label: options.label ?? `u${++this.#udpCount}`,
      transcript: this.transcript,
      signal: this.signal,
      timeoutMs: options.timeoutMs ?? this.timeoutMs,
      bufferSize: options.bufferSize,
      waits: this.waits,
      tally: this.#tally.counter("udp"),
    });
    this.#sockets.push(client);
    return client;
  }

  fail(message: string, evidence?: Evidence): never {
    throw new CaseFailure(message, evidence);
  }

  error(message: string): never {
    throw new CaseError(message);
  }

  skip(reason: string): never {
    throw new CaseSkip(reason);
  }

  warn(message: string): void {
    this.warnings.push(message);
    this.transcript.record("-", "note", { detail: `warn: ${message}` });
  }

  info(message: string, data: Record<string, unknown> = {}): void {
    this.infos.push(message);
    Object.assign(this.data, data);
  }

  async liveness(after: string, transport?: Transport): Promise<void> {
    const on = transport ?? (this.#transport === "udp" ? "udp" : this.targets.tcp ? "tcp" : "udp");
    this.transcript.record("probe", "note", { detail: `liveness probe on ${on.toUpperCase()}` });
    try {
      try {
        await this.#probe(on);
      } catch (e) {
        // A listen queue still full from the case drops the SYN; every real client resends it
        // after 1 s, so the probe does too, once.
        if (!(e instanceof ConnectFailed && e.reason === "timeout")) throw e;
        this.transcript.record("probe", "note", {
          detail:
            `probe connect timed out; resending like a client whose SYN was dropped, after ${FIRST_SYN_RESEND_MS} ms`,
        });
        await this.sleep(FIRST_SYN_RESEND_MS);
        await this.#probe(on);
      }
    } catch (e) {
      if (e instanceof ConnectFailed) {
        throw new CaseFailure(
          `After ${after}, a new connection was not accepted (${e.message}): the server stopped serving`,
          { expected: "a fresh client is served", actual: e.message },
        );
      }
      if (e instanceof CaseFailure) {
        throw new CaseFailure(
          `After ${after}, a fresh client was not served: ${e.message}`,
          e.evidence,
        );
      }
      throw e;
    }
  }

  async beforeLoad(what: string, transport?: Transport): Promise<void> {
    const on = transport ?? (this.#transport === "udp" ? "udp" : "tcp");
    const name = on.toUpperCase();
    const { tried, answered } = this.#tally;
    if (answered[on] > 0) return;
    if (on === "tcp" && this.#tcpAtStart !== undefined && this.#tcpAtStart !== "accepted") {
      // The runner's rule for a failed connect: a target that never accepted could not be tested.
      throw new CaseError(
        `Not loaded with ${what}: the target did not accept the run's first connection (${this.#tcpAtStart})`,
      );
    }
    if (tried[on] > 0) {
      // Simpler cases of this run already asked and got nothing: loading costs only time.
      const why = on === "tcp"
        ? `none of the ${tried[on]} TCP replies awaited in this run so far came right`
        : `none of the ${tried[on]} datagrams sent in this run so far was answered`;
      this.transcript.record("run", "note", { detail: `before the load: ${why}` });
      throw new CaseFailure(`Not loaded with ${what}: ${why}`, {
        expected: `a target that answers a single client on ${name} before it is loaded`,
        actual: why,
      });
    }
    const why = this.#solo ? await this.#solo(on) : await soloProbe(this, on);
    this.transcript.record("probe", "note", {
      detail: `one client alone on ${name} before the load: ${why ?? "served"}`,
    });
    if (why === null) return;
    throw new CaseFailure(
      `Not loaded with ${what}: one client alone was not served on ${name} (${why})`,
      { expected: "one client alone is served before the load starts", actual: why },
    );
  }

  #probe(on: Transport): Promise<void> {
    return this.profile.probe ? this.profile.probe(this, on) : defaultProbe(this, on);
  }

  sleep(ms: number): Promise<void> {
    return sleep(ms, this.signal);
  }

  /** Closes every socket the case opened and settles their pending operations. */
  async dispose(): Promise<void> {
    const sockets = this.#sockets.splice(0);
    await Promise.allSettled(sockets.map((s) => s.close()));
  }
}

/**
 * Runs the profile's probe (one client, one request) on `on` with `t`'s sockets: null when the
 * client was served, else what went wrong. What the runner's shared single-client probe runs.
 */
export async function soloProbe(t: CaseContext, on: Transport): Promise<string | null> {
  try {
    await (t.profile.probe ? t.profile.probe(t, on) : defaultProbe(t, on));
    return null;
  } catch (e) {
    if (e instanceof CaseFailure || e instanceof ConnectFailed) return e.message;
    throw e;
  }
}

/** The default liveness probe: one sample request gets its reply on a fresh client. */
async function defaultProbe(t: CaseContext, on: Transport): Promise<void> {
  const profile = t.profile;
  if (on === "tcp") {
    const c = await t.connect({ label: "probe" });
    if (isRequestReply(profile)) {
      const request = sampleRequest(profile, t.rng, 16);
      await c.send(request);
      await c.expect(profile.expectedReply(request), { what: "probe reply" });
    }
    await c.close();
    return;
  }
  if (!isRequestReply(profile)) return;
  const u = t.datagram({ label: "probe" });
  const request = sampleRequest(profile, t.rng, 16);
  const want = profile.expectedReply(request);
  const { replies: [got] } = await u.exchange([request]);
  if (!got) {
    throw new CaseFailure(`No reply to two probe datagrams within ${t.timeoutMs} ms`, {
      expected: want,
      actual: "no datagram",
    });
  }
  if (!equals(got.data, want)) {
    throw new CaseFailure(`The probe datagram came back as ${describeBytes(got.data, 60)}`, {
      expected: want,
      actual: got.data,
    });
  }
  await u.close();
}

import { equals } from "@std/bytes";
import { sleep } from "./_deadline.ts";
import type { CaseContext, CaseHooks, Params, Profile } from "./case.ts";
import { CaseError, CaseFailure, CaseSkip, type Evidence } from "./errors.ts";
import { describeBytes } from "./hexdump.ts";
import { isRequestReply, sampleRequest } from "./profile.ts";
import type { ProgramUnderTest } from "./watched_program.ts";
import { type ClientUnderTest, NO_CLIENT } from "./client_program.ts";
import { makeRng, type Rng } from "./rng.ts";
import type { Target, Targets, Transport } from "./target.ts";
import { ConnectFailed, TcpClient } from "./tcp_client.ts";
import { Transcript } from "./transcript.ts";
import { UdpClient } from "./udp_client.ts";

/**
 * When Linux first resends an unanswered SYN, in milliseconds: a connect whose SYN was dropped (a
 * full listen queue) completes no sooner than this, and a client retries it after this long.
 */
export const FIRST_SYN_RESEND_MS = 1000;

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
  #params: Params;
  #transport: Transport | "any";
  #hooks: CaseHooks;
  #program?: ProgramUnderTest;
  #client?: ClientUnderTest;
  #sockets: { close(): Promise<void> }[] = [];
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
      });
    } catch (e) {
      throw this.#hooks.connectFailed ? await this.#hooks.connectFailed(e, to, this) : e;
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
    throw new CaseFailure(`No reply to two probe datagrams within ${t.timeoutMs} ms each`, {
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

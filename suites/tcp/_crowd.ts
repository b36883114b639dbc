/**
 * Helpers for the load groups (`tcp.concurrency`, `tcp.backlog`, `tcp.robustness`): many clients
 * each with their own request, flooding a client that never reads, and turning a connect that
 * fails mid-scenario into a failure with context. Not part of the public surface.
 *
 * @module
 */
import { equals, startsWith } from "@std/bytes";
import {
  atDeadline,
  type CaseContext,
  CaseFailure,
  ConnectFailed,
  describeBytes,
  type ReadResult,
  replyBoundMs,
  requestReply,
  samplePayload,
  sampleRequest,
  type SendResult,
  type TcpClient,
  WAITS,
} from "../../harness/mod.ts";

/**
 * Runs `step`; a failure inside it, or a connect that failed, gets `context` in front of its
 * message. A failed connect stays a ConnectFailed: whether it is the target's failure or an
 * untestable target is the runner's rule, not this helper's.
 */
export async function within<T>(context: string, step: () => T | Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    if (e instanceof CaseFailure) throw new CaseFailure(`${context}: ${e.message}`, e.evidence);
    if (e instanceof ConnectFailed) {
      throw new ConnectFailed(`${context}: ${e.message}`, e.reason, { cause: e });
    }
    throw e;
  }
}

/** A request tagged with its client's number, so a reply that went astray can be told apart. */
export function taggedRequest(t: CaseContext, tag: string, size = 32): Uint8Array {
  const p = requestReply(t);
  const payload = samplePayload(p, t.rng, size);
  const bytes = new TextEncoder().encode(`#${tag}#`);
  const forbidden = new Set(p.forbidden ?? []);
  if (bytes.length <= payload.length && !bytes.some((b) => forbidden.has(b))) payload.set(bytes);
  return p.encode(payload);
}

/**
 * Connects clients `first` to `first + n - 1` (labelled `label` and their number), at most
 * `parallel` connects in flight, each allowed `connectMs`, handing each to `connected` as soon as
 * it is connected. Returns the connects that timed out or were refused, and how long each connect
 * took, in client order; when the very first crowd is refused whole, the first refusal ends the
 * case as it is, for the runner's rule to judge.
 */
async function connectEach(
  t: CaseContext,
  n: number,
  options: { parallel: number; connectMs: number; label: string; first: number },
  connected: (c: TcpClient, i: number) => void,
): Promise<{ failed: { index: number; error: ConnectFailed }[]; connectMs: number[] }> {
  const failed: { index: number; error: ConnectFailed }[] = [];
  const connectMs = new Array<number>(n).fill(0);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const started = performance.now();
      let c: TcpClient;
      try {
        c = await t.connect({
          label: `${options.label}${options.first + i}`,
          timeoutMs: options.connectMs,
        });
      } catch (e) {
        if (!(e instanceof ConnectFailed) || e.reason === "other" || e.reason === "unreachable") {
          throw e;
        }
        connectMs[i] = performance.now() - started;
        failed.push({ index: i, error: e });
        continue;
      }
      connectMs[i] = performance.now() - started;
      connected(c, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.parallel, n) }, worker));
  if (
    options.first === 1 && failed.length === n && failed.every((f) => f.error.reason === "refused")
  ) {
    throw failed[0].error; // nothing listens there now: the runner knows whether it did at first
  }
  return { failed, connectMs };
}

/**
 * Opens `n` connections, at most `parallel` connects in flight, each allowed `connectMs`, and
 * returns them in client order. Fails the case, with counts, when any connect times out or is
 * refused (but when the very first crowd is refused whole, the first refusal ends the case as it
 * is, for the runner's rule to judge).
 */
export async function openCrowd(
  t: CaseContext,
  n: number,
  options: { parallel: number; connectMs: number; label: string; firstNumber?: number },
): Promise<TcpClient[]> {
  const first = options.firstNumber ?? 1;
  const clients = new Array<TcpClient>(n);
  const { failed } = await connectEach(t, n, { ...options, first }, (c, i) => {
    clients[i] = c;
  });
  if (failed.length > 0) {
    const timedOut = failed.filter((f) => f.error.reason === "timeout").length;
    const refused = failed.length - timedOut;
    const how = [
      timedOut ? `${timedOut} got no handshake within ${options.connectMs} ms` : "",
      refused ? `${refused} were refused` : "",
    ].filter(Boolean).join(", ");
    t.fail(
      `Of ${n} clients connecting (${options.parallel} at a time), ${
        n - failed.length
      } connected and ${how} (first: ${options.label}${first + failed[0].index})`,
      { expected: `${n} connections accepted`, actual: `${n - failed.length} accepted, ${how}` },
    );
  }
  return clients;
}

/**
 * Every client sends its own request (tagged with its label and `round`), then every client reads
 * its own reply, all at once.
 * Fails the case naming how many were served and every client that was not, with what it got
 * instead (another client's reply is called out as cross-talk).
 */
export async function exchangeAll(
  t: CaseContext,
  clients: readonly TcpClient[],
  replyMs: number,
  round = 1,
): Promise<void> {
  const p = requestReply(t);
  // Every client at once, each reply within its bound: a crowd costs one wait, not one per client.
  const results = await Promise.all(clients.map((c) => {
    const request = taggedRequest(t, `${c.label}.${round}`);
    return exchangeOne(c, request, p.expectedReply(request), replyMs);
  }));
  judge(t, results, replyMs, false);
}

/** What one client of a crowd sent and got back. */
export interface Exchanged {
  client: TcpClient;
  request: Uint8Array;
  reply: Uint8Array;
  sent: SendResult;
  got: ReadResult;
}

/** Sends `request` on `c` and reads `reply.length` bytes, the reply within its bound. */
async function exchangeOne(
  c: TcpClient,
  request: Uint8Array,
  reply: Uint8Array,
  replyMs: number,
): Promise<Exchanged> {
  const sent = await c.send(request, { timeoutMs: replyMs, boundMs: replyMs });
  const got = await c.readExactly(reply.length, {
    timeoutMs: replyMs,
    boundMs: replyBoundMs(replyMs, reply.length),
    what: "the reply",
  });
  return { client: c, request, reply, sent, got };
}

/**
 * Connects `n` clients, at most `parallel` at a time, each allowed `connectMs`, and has each send
 * its own tagged request as soon as it is connected and read its reply. Every wait runs at once,
 * so the crowd costs one connect deadline and one reply bound, however many clients wait.
 * Connects that time out or are refused are returned (when every one is refused, the first
 * refusal ends the case as it is, for the runner's rule to judge).
 *
 * `patience`, called once every connect has settled, may shorten the wait for the replies still
 * missing (undefined: each keeps its whole bound): a case that already knows its outcome stops
 * waiting. The clients still waiting then are returned as `abandoned`, not judged; the caller
 * closes them.
 */
export async function connectAndExchange(
  t: CaseContext,
  n: number,
  options: {
    parallel: number;
    connectMs: number;
    replyMs: number;
    label: string;
    patience?: (connects: { failed: number; connectMs: readonly number[] }) => number | undefined;
  },
): Promise<
  {
    exchanged: Exchanged[];
    abandoned: TcpClient[];
    failed: ConnectFailed[];
    connectMs: number[];
  }
> {
  const p = requestReply(t);
  const pending: { client: TcpClient; done: Promise<Exchanged> }[] = [];
  const { failed, connectMs } = await connectEach(t, n, { ...options, first: 1 }, (c) => {
    const request = taggedRequest(t, `${c.label}.1`);
    // Not awaited here: the next connect goes out while this client waits for its reply.
    pending.push({
      client: c,
      done: exchangeOne(c, request, p.expectedReply(request), options.replyMs),
    });
  });
  const more = options.patience?.({ failed: failed.length, connectMs });
  if (more === undefined) {
    const exchanged = await Promise.all(pending.map((x) => x.done));
    return { exchanged, abandoned: [], failed: failed.map((f) => f.error), connectMs };
  }
  let cancel = () => {};
  const cut = new Promise<null>((resolve) => cancel = atDeadline(more, () => resolve(null)));
  try {
    const settled = await Promise.all(pending.map((x) => Promise.race([x.done, cut])));
    return {
      exchanged: settled.filter((x): x is Exchanged => x !== null),
      abandoned: pending.filter((_, i) => settled[i] === null).map((x) => x.client),
      failed: failed.map((f) => f.error),
      connectMs,
    };
  } finally {
    cancel();
  }
}

/**
 * Judges what a crowd's clients got: every client its own reply. Fails the case naming how many
 * were served and every client that was not, grouped by what it got instead (another client's
 * reply is called out as cross-talk). With `tolerant`, a client that got no byte of its reply (time-out,
 * EOF or reset before any byte) is returned instead of failing the case; a wrong, partial or stray
 * reply still fails it.
 */
export function judge(
  t: CaseContext,
  results: readonly Exchanged[],
  replyMs: number,
  tolerant: boolean,
): { client: TcpClient; end: string }[] {
  const unsent = results.findIndex((r) =>
    r.sent.end !== "done" && !(tolerant && r.sent.end === "reset")
  );
  if (unsent >= 0) {
    const r = results[unsent];
    t.fail(
      `Client ${r.client.label} could not send its ${r.request.length}-byte request: ${
        r.sent.end === "reset" ? "the connection was reset" : `blocked for ${replyMs} ms`
      } after ${r.sent.sent} bytes`,
      { expected: r.request, actual: `${r.sent.sent} bytes sent` },
    );
  }
  const missing = results.filter((r) =>
    tolerant && r.got.bytes.length === 0 && (r.got.end !== "done" || r.sent.end !== "done")
  );
  const bad = results.filter((r) => !equals(r.got.bytes, r.reply) && !missing.includes(r));
  if (bad.length === 0) return missing.map((r) => ({ client: r.client, end: r.got.end }));
  const served = results.length - bad.length;
  const head = `${served} of ${results.length} clients got their own reply`;
  // Every client is an exchange of its own: each one left out is named, grouped by what it got.
  const groups = new Map<string, { labels: string[]; detail: string }>();
  for (const r of bad) {
    const [what, detail] = gotInstead(r, results, replyMs);
    const group = groups.get(what) ?? { labels: [], detail };
    group.labels.push(r.client.label);
    groups.set(what, group);
  }
  const listed = [...groups].map(([what, { labels, detail }]) =>
    `${labelList(labels)} got ${what}${labels.length === 1 && detail ? ` (${detail})` : ""}`
  );
  const first = bad[0];
  t.fail(
    `${head}; ${listed.join("; ")}`,
    { expected: first.reply, actual: first.got.bytes },
  );
}

/** `c1`, `c1 and c2`, `c1, c2 and c3`, or the first five and how many more. */
function labelList(labels: readonly string[]): string {
  const shown = labels.length > 6 ? [...labels.slice(0, 5), `${labels.length - 5} more`] : labels;
  return shown.length === 1 ? shown[0] : `${shown.slice(0, -1).join(", ")} and ${shown.at(-1)}`;
}

/**
 * What a client left out got instead of its own reply, in words that group alike clients, and the
 * bytes that came, for a client alone in its group.
 */
function gotInstead(
  r: Exchanged,
  results: readonly Exchanged[],
  replyMs: number,
): [string, string] {
  const g = r.got;
  const owner = g.bytes.length >= 8
    ? results.find((o) => o !== r && startsWith(o.reply, g.bytes))
    : undefined;
  if (owner) {
    return [`the reply meant for ${owner.client.label} (cross-talk between connections)`, ""];
  }
  const of = `${g.bytes.length} of ${r.reply.length} bytes`;
  if (g.end === "timeout" || g.end === "slow") {
    return [`no complete reply within ${replyMs} ms`, of];
  }
  if (g.end === "done") return [`a different reply: ${describeBytes(g.bytes, 40)}`, ""];
  return [g.end === "eof" ? "the connection closed" : "the connection was reset", `after ${of}`];
}

/** What {@linkcode flood} did. */
export interface Flooded {
  /** Bytes of requests written. */
  sent: number;
  /** `stalled`: a write stayed blocked (the target stopped reading); `limit`: all were taken. */
  end: "stalled" | "limit" | "reset";
}

/**
 * Sends requests on `c` (which never reads) until a write stays blocked for `stallMs` (default
 * `WAITS.stallMs`), the connection is reset, or `limit` bytes were sent.
 */
export async function flood(
  t: CaseContext,
  c: TcpClient,
  options: { limit: number; stallMs?: number },
): Promise<Flooded> {
  const p = requestReply(t);
  const request = sampleRequest(p, t.rng, 65536);
  const stallMs = options.stallMs ?? WAITS.stallMs;
  let sent = 0;
  while (sent < options.limit) {
    const r = await c.send(request, { timeoutMs: stallMs });
    sent += r.sent;
    if (r.end === "timeout") return { sent, end: "stalled" };
    if (r.end === "reset") return { sent, end: "reset" };
  }
  return { sent, end: "limit" };
}

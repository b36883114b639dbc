/**
 * Helpers for the load groups (`tcp.concurrency`, `tcp.backlog`, `tcp.robustness`): many clients
 * each with their own request, flooding a client that never reads, and turning a connect that
 * fails mid-scenario into a failure with context. Not part of the public surface.
 *
 * @module
 */
import { equals, startsWith } from "@std/bytes";
import {
  type CaseContext,
  CaseFailure,
  ConnectFailed,
  describeBytes,
  requestReply,
  samplePayload,
  sampleRequest,
  type TcpClient,
} from "../../harness/mod.ts";

/** Extra connect time for load cases: room for SYN retransmissions (1 s and 3 s after the first). */
export const SYN_RETRY_MS = 3000;

/**
 * Runs `step`; a failure inside it (or a connect the target did not answer) becomes a failure
 * whose message starts with `context`.
 */
export async function within<T>(context: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    if (e instanceof CaseFailure) throw new CaseFailure(`${context}: ${e.message}`, e.evidence);
    if (e instanceof ConnectFailed && (e.reason === "timeout" || e.reason === "refused")) {
      throw new CaseFailure(`${context}: ${e.message}`, {
        expected: "the connection is accepted",
        actual: e.message,
      });
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

/** What {@linkcode openCrowd} opened. */
export interface Crowd {
  /** The clients that connected, in client order. */
  clients: TcpClient[];
  /** Milliseconds each connect took, in client order (failed ones included). */
  connectMs: number[];
  /** Connects that timed out or were refused (only with `tolerant`). */
  failed: ConnectFailed[];
}

/**
 * Opens `n` connections, at most `parallel` connects in flight, each allowed `connectMs`. Fails the
 * case, with counts, when any connect times out or is refused, unless `tolerant`: then the failed
 * connects are returned (but when the very first crowd is refused whole, nothing listens there:
 * that is a ConnectFailed, an error).
 */
export async function openCrowd(
  t: CaseContext,
  n: number,
  options: {
    parallel: number;
    connectMs: number;
    label: string;
    firstNumber?: number;
    tolerant?: boolean;
  },
): Promise<Crowd> {
  const first = options.firstNumber ?? 1;
  const clients = new Array<TcpClient>(n);
  const connectMs = new Array<number>(n).fill(0);
  const failed: { index: number; error: ConnectFailed }[] = [];
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const started = performance.now();
      try {
        clients[i] = await t.connect({
          label: `${options.label}${first + i}`,
          timeoutMs: options.connectMs,
        });
      } catch (e) {
        if (!(e instanceof ConnectFailed) || e.reason === "other" || e.reason === "unreachable") {
          throw e;
        }
        failed.push({ index: i, error: e });
      }
      connectMs[i] = performance.now() - started;
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.parallel, n) }, worker));
  if (first === 1 && failed.length === n && failed.every((f) => f.error.reason === "refused")) {
    throw failed[0].error; // nothing listens there: the target cannot be tested (an error)
  }
  if (options.tolerant) {
    return {
      clients: clients.filter((c) => c !== undefined),
      connectMs,
      failed: failed.map((f) => f.error),
    };
  }
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
  return { clients, connectMs, failed: [] };
}

/**
 * Every client sends its own request (tagged with its label and `round`), then every client reads
 * its own reply, all at once.
 * Fails the case naming how many were served and, for the first that was not, what it got instead
 * (another client's reply is called out as cross-talk).
 */
export async function exchangeAll(
  t: CaseContext,
  clients: readonly TcpClient[],
  replyMs: number,
  round = 1,
): Promise<void> {
  await exchange(t, clients, replyMs, round, false);
}

/**
 * Like {@linkcode exchangeAll}, but a client that got no byte of its reply (time-out, EOF or
 * reset before any byte) is returned instead of failing the case; a wrong, partial or stray reply
 * still fails it.
 */
export function exchangeTolerant(
  t: CaseContext,
  clients: readonly TcpClient[],
  replyMs: number,
  round = 1,
): Promise<{ client: TcpClient; end: string }[]> {
  return exchange(t, clients, replyMs, round, true);
}

async function exchange(
  t: CaseContext,
  clients: readonly TcpClient[],
  replyMs: number,
  round: number,
  tolerant: boolean,
): Promise<{ client: TcpClient; end: string }[]> {
  const p = requestReply(t);
  const requests = clients.map((c) => taggedRequest(t, `${c.label}.${round}`));
  const replies = requests.map((r) => p.expectedReply(r));
  const sent = await Promise.all(
    clients.map((c, i) => c.send(requests[i], { timeoutMs: replyMs })),
  );
  const unsent = sent.findIndex((s) => s.end !== "done" && !(tolerant && s.end === "reset"));
  if (unsent >= 0) {
    t.fail(
      `Client ${clients[unsent].label} could not send its ${
        requests[unsent].length
      }-byte request: ${
        sent[unsent].end === "reset" ? "the connection was reset" : `blocked for ${replyMs} ms`
      } after ${sent[unsent].sent} bytes`,
      { expected: requests[unsent], actual: `${sent[unsent].sent} bytes sent` },
    );
  }
  const got = await Promise.all(
    clients.map((c, i) => c.readExactly(replies[i].length, { timeoutMs: replyMs })),
  );
  const missing = got.map((g, i) => ({ g, i })).filter(({ g, i }) =>
    tolerant && g.bytes.length === 0 && (g.end !== "done" || sent[i].end !== "done")
  );
  const bad = got.map((g, i) => ({ g, i })).filter(({ g, i }) =>
    !equals(g.bytes, replies[i]) && !missing.some((m) => m.i === i)
  );
  if (bad.length === 0) return missing.map(({ g, i }) => ({ client: clients[i], end: g.end }));
  const served = clients.length - bad.length;
  const head = `${served} of ${clients.length} clients got their own reply`;
  for (const { g, i } of bad) {
    const owner = g.bytes.length >= 8
      ? replies.findIndex((r, j) => j !== i && startsWith(r, g.bytes))
      : -1;
    if (owner < 0) continue;
    t.fail(
      `${head}; ${clients[i].label} got the reply meant for ${
        clients[owner].label
      } (cross-talk between connections)`,
      { expected: replies[i], actual: g.bytes },
    );
  }
  const { g, i } = bad[0];
  const label = clients[i].label;
  const what = g.end === "timeout"
    ? `no complete reply within ${replyMs} ms (${g.bytes.length} of ${replies[i].length} bytes)`
    : g.end === "done"
    ? `a different reply: ${describeBytes(g.bytes, 40)}`
    : `${
      g.end === "eof" ? "the connection closed" : "the connection was reset"
    } after ${g.bytes.length} of ${replies[i].length} bytes`;
  t.fail(`${head}; ${label} (the first left out) got ${what}`, {
    expected: replies[i],
    actual: g.bytes,
  });
}

/** What {@linkcode flood} did. */
export interface Flooded {
  /** Bytes of requests written. */
  sent: number;
  /** `stalled`: a write stayed blocked (the target stopped reading); `limit`: all were taken. */
  end: "stalled" | "limit" | "reset";
}

/**
 * Sends requests on `c` (which never reads) until a write stays blocked for `stallMs`, the
 * connection is reset, or `limit` bytes were sent.
 */
export async function flood(
  t: CaseContext,
  c: TcpClient,
  options: { limit: number; stallMs: number },
): Promise<Flooded> {
  const p = requestReply(t);
  const request = sampleRequest(p, t.rng, 65536);
  let sent = 0;
  while (sent < options.limit) {
    const r = await c.send(request, { timeoutMs: options.stallMs });
    sent += r.sent;
    if (r.end === "timeout") return { sent, end: "stalled" };
    if (r.end === "reset") return { sent, end: "reset" };
  }
  return { sent, end: "limit" };
}

/**
 * What the service cases share: asking a UDP service for its one answer, and the length of the
 * windows that wait for silence.
 *
 * @module
 */
import { type CaseContext, CaseFailure, type Datagram, WAITS } from "../../harness/mod.ts";

/**
 * The window, in milliseconds, a case waits to conclude that nothing comes: `--param silence=MS`,
 * by default `WAITS.silenceMs`.
 */
export function silenceMs(t: CaseContext): number {
  return t.param("silence", WAITS.silenceMs);
}

/**
 * Sends `request` to the UDP target and returns the first datagram back, sending it a second
 * time when the first goes unanswered (loopback UDP may drop).
 *
 * @throws {CaseFailure} when neither send gets an answer.
 */
export async function askUdp(
  t: CaseContext,
  request: Uint8Array,
  options: { label?: string; what: string },
): Promise<Datagram> {
  const { replies: [got] } = await t.datagram({ label: options.label }).exchange([request]);
  if (got) return got;
  throw new CaseFailure(
    `No answer to ${options.what} within ${t.timeoutMs} ms, though it was sent twice`,
    { expected: "one datagram back", actual: "no datagram" },
  );
}

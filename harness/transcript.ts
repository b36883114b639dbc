import { encodeHex } from "@std/encoding/hex";
import { type EventKind, TRANSCRIPT_BYTES_CAP, type TranscriptEvent } from "./result.ts";

/** How many events one case's transcript keeps before it only counts them. */
export const TRANSCRIPT_EVENTS_CAP = 4000;

/** What goes with an event besides its kind. */
export interface EventDetails {
  dir?: "in" | "out";
  bytes?: Uint8Array;
  /** The length, where `bytes` is not given. */
  length?: number;
  detail?: string;
}

/**
 * A case's record of every connect, send, recv, half-close, EOF, reset, refusal and time-out, with
 * a timestamp relative to the case's start. Reports render it; cases only add to it.
 *
 * @example
 * ```ts
 * import { Transcript } from "./transcript.ts";
 * const tr = new Transcript();
 * tr.record("c1", "send", { dir: "out", bytes: new TextEncoder().encode("hi\n") });
 * tr.events[0].hex; // "68690a"
 * ```
 */
export class Transcript {
  /** The events so far, oldest first. */
  readonly events: TranscriptEvent[] = [];
  #start: number;
  #dropped = 0;

  /** @param start The `performance.now()` the timestamps count from. */
  constructor(start: number = performance.now()) {
    this.#start = start;
  }

  /** Adds one event. Bytes beyond {@linkcode TRANSCRIPT_BYTES_CAP} are counted, not kept. */
  record(conn: string, kind: EventKind, details: EventDetails = {}): void {
    if (this.events.length >= TRANSCRIPT_EVENTS_CAP) {
      this.#dropped++;
      return;
    }
    const event: TranscriptEvent = {
      t: Math.round((performance.now() - this.#start) * 10) / 10,
      conn,
      kind,
    };
    if (details.dir) event.dir = details.dir;
    if (details.bytes) {
      event.length = details.bytes.length;
      event.hex = encodeHex(details.bytes.subarray(0, TRANSCRIPT_BYTES_CAP));
      if (details.bytes.length > TRANSCRIPT_BYTES_CAP) event.truncated = true;
    } else if (details.length !== undefined) {
      event.length = details.length;
    }
    if (details.detail) event.detail = details.detail;
    this.events.push(event);
  }

  /** The events, with a closing note when some were dropped for the cap. */
  finish(): TranscriptEvent[] {
    if (this.#dropped > 0) {
      this.events.push({
        t: Math.round((performance.now() - this.#start) * 10) / 10,
        conn: "-",
        kind: "note",
        detail: `${this.#dropped} more events not kept (cap ${TRANSCRIPT_EVENTS_CAP})`,
      });
      this.#dropped = 0;
    }
    return this.events;
  }
}

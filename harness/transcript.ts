import { encodeHex } from "@std/encoding/hex";
import { type EventKind, TRANSCRIPT_BYTES_CAP, type TranscriptEvent } from "./result.ts";

/** How many of a case's first events its transcript keeps in full. */
export const TRANSCRIPT_HEAD = 200;

/** How many of a case's last events its transcript keeps in full. */
export const TRANSCRIPT_TAIL = 100;

/**
 * The most events one transcript holds: the first {@linkcode TRANSCRIPT_HEAD}, one note summarising
 * what came between, and the last {@linkcode TRANSCRIPT_TAIL}. A load case (2000 connections of
 * churn) keeps its counts and timings, not every event.
 */
export const TRANSCRIPT_EVENTS_CAP = TRANSCRIPT_HEAD + 1 + TRANSCRIPT_TAIL;

/** What goes with an event besides its kind. */
export interface EventDetails {
  dir?: "in" | "out";
  bytes?: Uint8Array;
  /** The length, where `bytes` is not given. */
  length?: number;
  detail?: string;
}

/** Counts of the events summarised between the head and the tail. */
interface Summarised {
  events: number;
  first: number;
  last: number;
  kinds: Map<EventKind, number>;
  bytesOut: number;
  bytesIn: number;
  conns: Set<string>;
}

/**
 * A case's record of every connect, send, recv, half-close, EOF, reset, refusal and time-out, with
 * a timestamp relative to the case's start. It keeps the first {@linkcode TRANSCRIPT_HEAD} and the
 * last {@linkcode TRANSCRIPT_TAIL} events whole, and counts those between (by kind, bytes each way,
 * connections, time span) in one note, so its size is bounded whatever the case or the target
 * does. Reports render it; cases only add to it.
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
  #head: TranscriptEvent[] = [];
  #tail: TranscriptEvent[] = [];
  #tailAt = 0;
  #middle: Summarised | null = null;
  #start: number;

  /** @param start The `performance.now()` the timestamps count from. */
  constructor(start: number = performance.now()) {
    this.#start = start;
  }

  /** The events so far, oldest first: the head, a note for what was summarised, the tail. */
  get events(): TranscriptEvent[] {
    const tail = this.#tail.length < TRANSCRIPT_TAIL
      ? this.#tail
      : [...this.#tail.slice(this.#tailAt), ...this.#tail.slice(0, this.#tailAt)];
    return [...this.#head, ...(this.#middle ? [this.#note(this.#middle)] : []), ...tail];
  }

  /** Adds one event. Bytes beyond {@linkcode TRANSCRIPT_BYTES_CAP} are counted, not kept. */
  record(conn: string, kind: EventKind, details: EventDetails = {}): void {
    const event: TranscriptEvent = { t: this.#now(), conn, kind };
    if (details.dir) event.dir = details.dir;
    if (details.bytes) {
      event.length = details.bytes.length;
      event.hex = encodeHex(details.bytes.subarray(0, TRANSCRIPT_BYTES_CAP));
      if (details.bytes.length > TRANSCRIPT_BYTES_CAP) event.truncated = true;
    } else if (details.length !== undefined) {
      event.length = details.length;
    }
    if (details.detail) event.detail = details.detail;
    if (this.#head.length < TRANSCRIPT_HEAD) {
      this.#head.push(event);
      return;
    }
    if (this.#tail.length < TRANSCRIPT_TAIL) {
      this.#tail.push(event);
      return;
    }
    // The tail is full: its oldest event moves into the summary, the new one takes its place.
    this.#summarise(this.#tail[this.#tailAt]);
    this.#tail[this.#tailAt] = event;
    this.#tailAt = (this.#tailAt + 1) % TRANSCRIPT_TAIL;
  }

  /** The events, with the summary note where events were left out. */
  finish(): TranscriptEvent[] {
    return this.events;
  }

  #now(): number {
    return Math.round((performance.now() - this.#start) * 10) / 10;
  }

  #summarise(e: TranscriptEvent): void {
    const m = this.#middle ??= {
      events: 0,
      first: e.t,
      last: e.t,
      kinds: new Map(),
      bytesOut: 0,
      bytesIn: 0,
      conns: new Set(),
    };
    m.events++;
    m.last = e.t;
    m.kinds.set(e.kind, (m.kinds.get(e.kind) ?? 0) + 1);
    if (e.dir === "out") m.bytesOut += e.length ?? 0;
    if (e.dir === "in") m.bytesIn += e.length ?? 0;
    if (m.conns.size < 100_000) m.conns.add(e.conn);
  }

  #note(m: Summarised): TranscriptEvent {
    const kinds = [...m.kinds].map(([k, n]) => {
      const bytes = k === "send"
        ? ` (${m.bytesOut} bytes)`
        : k === "recv"
        ? ` (${m.bytesIn} bytes)`
        : "";
      return `${n} ${k}${bytes}`;
    });
    return {
      t: m.first,
      conn: "-",
      kind: "note",
      detail: `${m.events} events from ${m.first} ms to ${m.last} ms summarised, not kept: ${
        kinds.join(", ")
      } on ${m.conns.size} connection${m.conns.size === 1 ? "" : "s"}`,
    };
  }
}

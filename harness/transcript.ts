/**
 * The transcript of a case: every connect, send, receive, half-close, EOF, reset and time-out with
 * its time and connection label, capped in size.
 *
 * @module
 */
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

/**
 * How much of a passed case's transcript a report keeps whole: its first 16 and last 8 events
 * (the rest are counted in a note). A passed case is evidence of nothing that needs every byte,
 * and whole transcripts of passing runs made each student's reports a megabyte or more.
 */
export const PASSED_KEEP: { readonly head: number; readonly tail: number } = { head: 16, tail: 8 };

/** What goes with an event besides its kind. */
export interface EventDetails {
  dir?: "in" | "out";
  bytes?: Uint8Array;
  /** The length, where `bytes` is not given. */
  length?: number;
  detail?: string;
}

/** An event as held: its bytes not yet hex-encoded. */
type Pending = TranscriptEvent & { raw?: Uint8Array };

/** The event as reports see it: the bytes as hex (encoded once, then kept). */
function settle(e: Pending): TranscriptEvent {
  if (e.raw) {
    e.hex = encodeHex(e.raw);
    delete e.raw;
  }
  return e;
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
  #head: Pending[] = [];
  #tail: Pending[] = [];
  #tailAt = 0;
  #middle: Summarised | null = null;
  #start: number;

  /** @param start The `performance.now()` the timestamps count from. */
  constructor(start: number = performance.now()) {
    this.#start = start;
  }

  /** The events so far, oldest first: the head, a note for what was summarised, the tail. */
  get events(): TranscriptEvent[] {
    const { head, middle, tail } = this.#parts();
    return [...head.map(settle), ...(middle ? [note(middle)] : []), ...tail.map(settle)];
  }

  /** Adds one event. Bytes beyond {@linkcode TRANSCRIPT_BYTES_CAP} are counted, not kept. */
  record(conn: string, kind: EventKind, details: EventDetails = {}): void {
    const event: Pending = { t: this.#now(), conn, kind };
    if (details.dir) event.dir = details.dir;
    if (details.bytes) {
      event.length = details.bytes.length;
      // A copy, hex-encoded only if the event is kept: most of a load case's events are not.
      event.raw = details.bytes.slice(0, TRANSCRIPT_BYTES_CAP);
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
    this.#middle = summarise(this.#middle, this.#tail[this.#tailAt]);
    this.#tail[this.#tailAt] = event;
    this.#tailAt = (this.#tailAt + 1) % TRANSCRIPT_TAIL;
  }

  /**
   * The events, with the summary note where events were left out. With `keep`, only the first
   * `keep.head` and the last `keep.tail` events stay whole and the note counts the rest: a passed
   * case's record needs no more (see {@linkcode PASSED_KEEP}).
   */
  finish(keep?: { head: number; tail: number }): TranscriptEvent[] {
    if (!keep) return this.events;
    const { head, middle, tail } = this.#parts();
    const all = head.length + tail.length;
    if (all <= keep.head + keep.tail) return this.events;
    // In order: the head, what `middle` counts, the tail. Keep the ends; count the rest.
    const kept = [...head, ...tail];
    const dropped = (i: number) => i >= keep.head && i < all - keep.tail;
    let m: Summarised | null = null;
    for (let i = 0; i < head.length; i++) if (dropped(i)) m = summarise(m, kept[i]);
    if (middle) m = merge(m, middle);
    for (let i = head.length; i < all; i++) if (dropped(i)) m = summarise(m, kept[i]);
    const firstKept = kept.slice(0, keep.head);
    const lastKept = kept.slice(all - keep.tail);
    return [...firstKept.map(settle), ...(m ? [note(m)] : []), ...lastKept.map(settle)];
  }

  #parts(): { head: Pending[]; middle: Summarised | null; tail: Pending[] } {
    const tail = this.#tail.length < TRANSCRIPT_TAIL
      ? this.#tail
      : [...this.#tail.slice(this.#tailAt), ...this.#tail.slice(0, this.#tailAt)];
    return { head: this.#head, middle: this.#middle, tail };
  }

  #now(): number {
    return Math.round((performance.now() - this.#start) * 10) / 10;
  }
}

/** Counts `e` into the summary `m` (a new one when null). */
function summarise(m: Summarised | null, e: Pending): Summarised {
  m ??= {
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
  return m;
}

/** Adds the later summary `later` to `m`. */
function merge(m: Summarised | null, later: Summarised): Summarised {
  m ??= { ...later, events: 0, kinds: new Map(), bytesOut: 0, bytesIn: 0, conns: new Set() };
  m.events += later.events;
  m.last = later.last;
  for (const [k, n] of later.kinds) m.kinds.set(k, (m.kinds.get(k) ?? 0) + n);
  m.bytesOut += later.bytesOut;
  m.bytesIn += later.bytesIn;
  for (const c of later.conns) if (m.conns.size < 100_000) m.conns.add(c);
  return m;
}

function note(m: Summarised): TranscriptEvent {
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
    detail: `${m.events} event${
      m.events === 1 ? "" : "s"
    } from ${m.first} ms to ${m.last} ms summarised, not kept: ${
      kinds.join(", ")
    } on ${m.conns.size} connection${m.conns.size === 1 ? "" : "s"}`,
  };
}

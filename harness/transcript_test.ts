import { assertEquals } from "@std/assert";
import { Transcript, TRANSCRIPT_BYTES_CAP, TRANSCRIPT_EVENTS_CAP } from "./mod.ts";
import { PASSED_KEEP, TRANSCRIPT_HEAD, TRANSCRIPT_TAIL } from "./transcript.ts";

Deno.test("Transcript.record() keeps bytes as hex and caps long ones", () => {
  const tr = new Transcript();
  tr.record("c1", "send", { dir: "out", bytes: new Uint8Array([0, 0xff, 0x0a]) });
  tr.record("c1", "recv", { dir: "in", bytes: new Uint8Array(TRANSCRIPT_BYTES_CAP + 10) });
  tr.record("c1", "timeout", { detail: "no bytes for 100 ms" });
  assertEquals(tr.events[0].hex, "00ff0a");
  assertEquals(tr.events[0].length, 3);
  assertEquals(tr.events[1].length, TRANSCRIPT_BYTES_CAP + 10);
  assertEquals(tr.events[1].hex?.length, TRANSCRIPT_BYTES_CAP * 2);
  assertEquals(tr.events[1].truncated, true);
  assertEquals(tr.events[2].detail, "no bytes for 100 ms");
});

Deno.test("Transcript keeps the first and last events and summarises those between", () => {
  const tr = new Transcript();
  const n = TRANSCRIPT_EVENTS_CAP + 500;
  for (let i = 0; i < n; i++) {
    tr.record(`k${i}`, "send", { dir: "out", bytes: new Uint8Array(10) });
  }
  const events = tr.finish();
  assertEquals(events.length, TRANSCRIPT_EVENTS_CAP);
  assertEquals(events[0].conn, "k0");
  assertEquals(events[TRANSCRIPT_HEAD - 1].conn, `k${TRANSCRIPT_HEAD - 1}`);
  const note = events[TRANSCRIPT_HEAD];
  assertEquals(note.kind, "note");
  const summarised = n - TRANSCRIPT_HEAD - TRANSCRIPT_TAIL;
  assertEquals(
    note.detail?.startsWith(`${summarised} events from `),
    true,
    note.detail,
  );
  assertEquals(note.detail?.includes(`${summarised} send (${summarised * 10} bytes)`), true);
  assertEquals(note.detail?.endsWith(`on ${summarised} connections`), true, note.detail);
  assertEquals(events.at(-1)?.conn, `k${n - 1}`);
  assertEquals(events[TRANSCRIPT_HEAD + 1].conn, `k${n - TRANSCRIPT_TAIL}`);
});

Deno.test("Transcript.record() copies the bytes: a buffer reused after the call changes nothing", () => {
  const tr = new Transcript();
  const buffer = new Uint8Array([1, 2, 3]);
  tr.record("c1", "recv", { dir: "in", bytes: buffer });
  buffer.fill(9);
  assertEquals(tr.finish()[0].hex, "010203");
});

Deno.test("Transcript.finish(keep) keeps the ends and counts the rest, the old summary included", async (t) => {
  const fill = (n: number) => {
    const tr = new Transcript();
    for (let i = 0; i < n; i++) {
      tr.record(`k${i}`, "send", { dir: "out", bytes: new Uint8Array(2) });
    }
    return tr;
  };
  await t.step("fewer events than kept: all of them, no note", () => {
    const events = fill(PASSED_KEEP.head + PASSED_KEEP.tail).finish(PASSED_KEEP);
    assertEquals(events.length, PASSED_KEEP.head + PASSED_KEEP.tail);
    assertEquals(events.some((e) => e.kind === "note"), false);
  });
  for (const n of [PASSED_KEEP.head + PASSED_KEEP.tail + 1, 250, TRANSCRIPT_EVENTS_CAP + 700]) {
    await t.step(
      `${n} events: first ${PASSED_KEEP.head}, a note for the rest, last ${PASSED_KEEP.tail}`,
      () => {
        const tr = fill(n);
        const events = tr.finish(PASSED_KEEP);
        assertEquals(events.length, PASSED_KEEP.head + 1 + PASSED_KEEP.tail);
        assertEquals(
          events.slice(0, PASSED_KEEP.head).map((e) => e.conn),
          [
            ...Array(PASSED_KEEP.head).keys(),
          ].map((i) => `k${i}`),
        );
        const note = events[PASSED_KEEP.head];
        const dropped = n - PASSED_KEEP.head - PASSED_KEEP.tail;
        assertEquals(note.kind, "note");
        assertEquals(
          note.detail,
          `${dropped} event${dropped === 1 ? "" : "s"} from ${note.t} ms to ${
            /to ([\d.]+) ms/.exec(note.detail ?? "")?.[1]
          } ms summarised, not kept: ${dropped} send (${
            dropped * 2
          } bytes) on ${dropped} connection${dropped === 1 ? "" : "s"}`,
        );
        assertEquals(events.at(-1)?.conn, `k${n - 1}`);
        assertEquals(events[PASSED_KEEP.head + 1].conn, `k${n - PASSED_KEEP.tail}`);
        assertEquals(events[0].hex, "0000");
        // Finishing does not change what the transcript holds: a second call gives the same.
        assertEquals(tr.finish(PASSED_KEEP), events);
        assertEquals(tr.finish().length, Math.min(n, TRANSCRIPT_EVENTS_CAP));
      },
    );
  }
});

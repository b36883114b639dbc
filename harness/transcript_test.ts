import { assertEquals } from "@std/assert";
import { Transcript, TRANSCRIPT_BYTES_CAP, TRANSCRIPT_EVENTS_CAP } from "./mod.ts";
import { TRANSCRIPT_HEAD, TRANSCRIPT_TAIL } from "./transcript.ts";

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

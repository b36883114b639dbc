import { assertEquals } from "@std/assert";
import { Transcript, TRANSCRIPT_BYTES_CAP, TRANSCRIPT_EVENTS_CAP } from "./mod.ts";

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

Deno.test("Transcript.finish() notes how many events the cap dropped", () => {
  const tr = new Transcript();
  for (let i = 0; i < TRANSCRIPT_EVENTS_CAP + 5; i++) tr.record("c1", "connect");
  const events = tr.finish();
  assertEquals(events.length, TRANSCRIPT_EVENTS_CAP + 1);
  assertEquals(events.at(-1)?.detail?.startsWith("5 more events"), true);
});

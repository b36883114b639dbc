import { assertEquals } from "@std/assert";
import { ProgressLine, progressText } from "./progress.ts";

Deno.test("progressText() shows cases done of total, the group, elapsed time and failures", () => {
  assertEquals(progressText(3, 40, "tcp.framing", 3250), "[ 3/40] tcp.framing · 3.3 s");
  assertEquals(progressText(40, 40, "udp.basic", 100, 2), "[40/40] udp.basic · 0.1 s · 2 failing");
  assertEquals(progressText(0, 5, "", 0), "[0/5] starting · 0.0 s");
});

Deno.test("ProgressLine redraws its status in place and prints lines above it", () => {
  let screen = "";
  const p = new ProgressLine((s) => screen += s, () => 20);
  const narrow = new ProgressLine(() => {}, () => 0);
  narrow.update("x");
  p.update("[1/2] tcp.basic · 0.1 s, and a long tail");
  p.print("FAIL x");
  p.clear();
  assertEquals(
    screen,
    "\r\x1b[2K[1/2] tcp.basic · …" + "\r\x1b[2KFAIL x\n[1/2] tcp.basic · …" + "\r\x1b[2K",
  );
});

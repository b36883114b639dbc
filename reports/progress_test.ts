import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { getColorEnabled, setColorEnabled } from "@std/fmt/colors";
import type { Case, CaseResult } from "../harness/mod.ts";
import { BatchProgress, ProgressLine, progressText, RunProgress } from "./progress.ts";

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

/** Runs `body` with colour off: what a test expects does not depend on the terminal or NO_COLOR. */
function uncoloured(body: () => void): () => void {
  return () => {
    const colour = getColorEnabled();
    setColorEnabled(false);
    try {
      body();
    } finally {
      setColorEnabled(colour);
    }
  };
}

Deno.test(
  "RunProgress prints a line per case, or on a terminal only the cases worth a look",
  uncoloured(() => {
    const c = { id: "tcp.basic.connect", title: "Connects" } as Case;
    const result = (outcome: "pass" | "fail"): CaseResult => ({
      id: c.id,
      title: c.title,
      requirement: "",
      outcome,
      message: "",
      durationMs: 1,
      transcript: [],
      reproduce: "",
    });
    const plain: string[] = [];
    const lines = new RunProgress(2, undefined, (l) => plain.push(l));
    lines.start(c);
    lines.result(result("pass"), 1);
    lines.result(result("fail"), 2);
    lines.stop();
    assertEquals(plain, [
      "PASS   tcp.basic.connect  Connects",
      "FAIL   tcp.basic.connect  Connects",
    ]);
    let screen = "";
    const live = new RunProgress(2, new ProgressLine((s) => screen += s, () => 80), () => {});
    live.start(c);
    live.result(result("pass"), 1);
    live.result(result("fail"), 2);
    live.stop();
    assert(!screen.includes("PASS "), "a pass only counts in the live line");
    assertStringIncludes(screen, "\r\x1b[2KFAIL   tcp.basic.connect  Connects\n");
    assertStringIncludes(screen, "[2/2] tcp.basic · ");
    assertStringIncludes(screen, "1 failing");
  }),
);

Deno.test(
  "BatchProgress prints each student's score and shows who is running",
  uncoloured(() => {
    const row = { student: "ada", line: 2, groups: {}, groupMax: {}, report: "ada/report.html" };
    const plain: string[] = [];
    const lines = new BatchProgress(2, undefined, (l) => plain.push(l));
    lines.start("ada", 4);
    lines.finish("ada", { ...row, total: 3, max: 4, status: "ok" });
    lines.finish("bob", { ...row, student: "bob", report: undefined, status: "Unknown profile" });
    lines.stop();
    assertEquals(plain, [
      "[1/2] ada: 3/4  ada/report.html",
      "[2/2] bob: not graded (Unknown profile)",
    ]);
    let screen = "";
    const live = new BatchProgress(2, new ProgressLine((s) => screen += s, () => 200), () => {});
    live.start("ada", 4);
    live.start("bob", 4);
    live.step("ada", 3);
    live.finish("bob", { ...row, student: "bob", total: 4, max: 4, status: "ok" });
    live.stop();
    assertStringIncludes(screen, "[0/2 graded] running ada 0/4, bob 0/4 · ");
    assertStringIncludes(screen, "\r\x1b[2K[1/2] bob: 4/4  ada/report.html\n");
    assertStringIncludes(screen, "\r\x1b[2K[1/2 graded] running ada 3/4 · ");
  }),
);

import { assertEquals, assertStringIncludes } from "@std/assert";
import { writeAll } from "../../fixtures/references/_io.ts";
import { serve } from "../../fixtures/references/serve.ts";
import { runCase } from "../../harness/mod.ts";
import { echo } from "../../harness/cli/_test_utils.ts";
import { abort, eofCloses } from "./halfclose.ts";
import { cLeaksFds } from "../../fixtures/mutants/c_leaks_fds.ts";
import { selfTest } from "../_self_check.ts";

selfTest("abort resets the connection while the server is inside send()", async () => {
  const seen: string[] = [];
  await using served = serve({
    tcp: async (conn) => {
      const buf = new Uint8Array(65536);
      try {
        for (let n = await conn.read(buf); n !== null; n = await conn.read(buf)) {
          await writeAll(conn, buf.subarray(0, n));
        }
        seen.push("eof");
      } catch (e) {
        seen.push(e instanceof Error ? e.name : String(e));
      }
    },
  });
  const r = await runCase(abort, { targets: served.targets, profile: echo, seed: 7 });
  assertEquals(r.outcome, "pass", r.message);
  // The first connection is the run's first look at the target (closed at once), the second the
  // aborted one; the liveness probe's ends in a clean EOF.
  assertEquals(seen[0], "eof");
  assertEquals(["ConnectionReset", "BrokenPipe"].includes(seen[1]), true, seen.join(", "));
});

selfTest(
  "eof-closes names the descriptor leak when a server never closes after EOF, and only then",
  async (t) => {
    await t.step(
      "a fork server's parent that keeps the descriptor: fail, naming the leak",
      async () => {
        await using served = await cLeaksFds.start();
        const r = await runCase(eofCloses, {
          targets: served.targets,
          profile: echo,
          seed: 1,
          timeoutMs: 500,
        });
        assertEquals(r.outcome, "fail", r.message);
        assertStringIncludes(r.message ?? "", "no EOF within 500 ms");
        assertStringIncludes(r.message ?? "", "the parent must close() the accepted descriptor");
      },
    );
    await t.step("a server that answers EOF with bytes: fail, with no word of a leak", async () => {
      await using served = serve({
        tcp: async (conn) => {
          while ((await conn.read(new Uint8Array(64))) !== null) { /* until EOF */ }
          await writeAll(conn, new TextEncoder().encode("bye\n"));
          conn.close();
        },
      });
      const r = await runCase(eofCloses, { targets: served.targets, profile: echo, seed: 1 });
      assertEquals(r.outcome, "fail", r.message);
      assertStringIncludes(r.message ?? "", "more");
      assertEquals(r.message?.includes("EMFILE"), false, r.message);
    });
  },
);

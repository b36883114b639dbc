import { assertEquals } from "@std/assert";
import { writeAll } from "../../fixtures/_io.ts";
import { serve } from "../../fixtures/serve.ts";
import { runCase } from "../../harness/mod.ts";
import { echo } from "../../harness/cli/_test_utils.ts";
import { abort } from "./halfclose.ts";
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

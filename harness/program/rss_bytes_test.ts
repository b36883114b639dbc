import { assert, assertEquals } from "@std/assert";
import { eventually, procTest } from "./_test_utils.ts";
import { launch } from "./launch.ts";
import { rssBytes } from "./rss_bytes.ts";

procTest("rssBytes() sees the memory a program filled", async () => {
  const script = "import time\nb = b'x' * (100 * 1024 * 1024)\nprint('full', flush=True)\n" +
    "time.sleep(30)";
  await using program = launch({ argv: ["python3", "-c", script] });
  assert(await eventually(() => program.stdoutText() === "full\n"));
  const rss = rssBytes(program.pid);
  assert(rss > 100 * 1024 * 1024 && rss < 300 * 1024 * 1024, `${rss} bytes`);
});

procTest("rssBytes() is 0 for a process that is gone", () => {
  assertEquals(rssBytes(2 ** 30), 0);
});

import { assert, assertEquals } from "@std/assert";
import { eventually, procTest } from "./_test_utils.ts";
import { fdCount } from "./fd_count.ts";
import { launch } from "./launch.ts";

/** python3 opening `files` files, and a child opening `childFiles` more, then sleeping. */
function opener(files: number, childFiles: number): string[] {
  const script = "import os, time\n" +
    `keep = [open('/proc/version') for _ in range(${files})]\n` +
    `if os.fork() == 0:\n  more = [open('/proc/version') for _ in range(${childFiles})]\n` +
    "  print('child', flush=True); time.sleep(30)\n" +
    "time.sleep(30)";
  return ["python3", "-c", script];
}

procTest("fdCount() counts the files a program keeps open", async () => {
  await using few = launch({ argv: opener(0, 0) });
  await using many = launch({ argv: opener(10, 5) });
  assert(
    await eventually(() => few.stdoutText() === "child\n" && many.stdoutText() === "child\n"),
  );
  assertEquals(fdCount(many.pid) - fdCount(few.pid), 10);
});

procTest("fdCount() is 0 for a process that is gone", () => {
  assertEquals(fdCount(2 ** 30), 0);
});

import { assert, assertEquals } from "@std/assert";
import { liveCount } from "./_registry.ts";
import { eventually, liveWithMark, MARK, newMark, procTest } from "./_test_utils.ts";
import { launch } from "./launch.ts";

const LAUNCH = new URL("./launch.ts", import.meta.url).href;

/**
 * Runs a Deno script that launches `sleep 300 & sleep 300 & wait` with the mark, prints "ready"
 * once its three processes run, then does `then`. Returns the script's process, its stdout reader and the mark.
 */
async function script(then: string) {
  const mark = newMark();
  const dir = await Deno.makeTempDir();
  const file = `${dir}/script.ts`;
  await Deno.writeTextFile(
    file,
    `import { launch } from ${JSON.stringify(LAUNCH)};
const program = launch({
  argv: ["sh", "-c", "sleep 300 & sleep 300 & wait"],
  env: { ${JSON.stringify(MARK)}: ${JSON.stringify(mark)} },
});
while (program.processes().length < 3) await new Promise((resolve) => setTimeout(resolve, 10));
console.log("ready");
${then}
`,
  );
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--no-config", "--no-lock", file],
    cwd: dir,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const first = await lines.read();
  assertEquals(first.value?.trim(), "ready");
  return {
    mark,
    child,
    async finish(): Promise<Deno.CommandStatus> {
      while (!(await lines.read()).done) { /* drain */ }
      const status = await child.status;
      await Deno.remove(dir, { recursive: true });
      return status;
    },
  };
}

procTest(
  "register() kills live programs and exits with 130 when sockspec gets SIGINT",
  async () => {
    const run = await script("await new Promise(() => setInterval(() => {}, 1000));");
    assertEquals(liveWithMark(run.mark).length, 3);
    Deno.kill(run.child.pid, "SIGINT");
    const status = await run.finish();
    assertEquals(status.code, 130);
    assert(await eventually(() => liveWithMark(run.mark).length === 0), "programs left running");
  },
);

procTest(
  "register() kills live programs and exits with 143 when sockspec gets SIGTERM",
  async () => {
    const run = await script("await new Promise(() => setInterval(() => {}, 1000));");
    Deno.kill(run.child.pid, "SIGTERM");
    assertEquals((await run.finish()).code, 143);
    assert(await eventually(() => liveWithMark(run.mark).length === 0), "programs left running");
  },
);

procTest("register() kills live programs when sockspec exits without closing them", async () => {
  const run = await script("Deno.exit(5);");
  assertEquals((await run.finish()).code, 5);
  assert(await eventually(() => liveWithMark(run.mark).length === 0), "programs left running");
});

procTest("unregister() removes the listeners once the last program is closed", async () => {
  // With our listener left behind, SIGINT would run it and exit(130); without, SIGINT kills. The
  // kill takes effect a moment later: a timer keeps the script alive until then (with nothing
  // pending it would end first, "Top-level await promise never resolved", exit 1).
  const run = await script(
    "await program.close(); Deno.kill(Deno.pid, 'SIGINT'); await new Promise(() => setInterval(() => {}, 1000));",
  );
  const status = await run.finish();
  assertEquals(status.signal, "SIGINT");
  assertEquals(liveWithMark(run.mark), []);
});

procTest("liveCount() counts programs from launch() until close()", async () => {
  const before = liveCount();
  const program = launch({ argv: ["sleep", "30"] });
  assertEquals(liveCount(), before + 1);
  await program.close();
  assertEquals(liveCount(), before);
});

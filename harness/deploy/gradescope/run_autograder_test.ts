import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { findCompiler } from "../../../fixtures/c/compile.ts";
import type { GradescopeResults } from "../../../reports/mod.ts";
import { liveWithMark, MARK, newMark } from "../../program/_test_utils.ts";

const HERE = new URL(".", import.meta.url).pathname;
const C_DIR = new URL("../../../fixtures/c/exec/", import.meta.url).pathname;
const ignore = findCompiler() === null || !(await hasBash());

async function hasBash(): Promise<boolean> {
  try {
    return (await new Deno.Command("bash", { args: ["-c", "true"] }).output()).success;
  } catch {
    return false;
  }
}

/** A temporary /autograder with a submission of C files and the assignment's settings. */
async function autograderRoot(files: Record<string, string>): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "sockspec-autograder-" });
  await Deno.mkdir(`${root}/submission`);
  await Deno.mkdir(`${root}/source`);
  for (const [name, text] of Object.entries(files)) {
    await Deno.writeTextFile(`${root}/submission/${name}`, text);
  }
  await Deno.writeTextFile(
    `${root}/source/assignment.env`,
    [
      "SOCKSPEC_EXEC='./server {tcp}'",
      "SOCKSPEC_BUILD='cc -O1 -o server server.c'",
      "SOCKSPEC_PROFILE='echo'",
      "SOCKSPEC_ARGS='--only tcp.basic --only tcp.framing.large --only process.children --seed 1'",
    ].join("\n") + "\n",
  );
  return root;
}

/** A submission made of one of the C fixtures, with the headers it includes. */
async function fixtureSubmission(name: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  files["server.c"] = await Deno.readTextFile(`${C_DIR}${name}.c`);
  for (const header of ["_serve.h", "_select_echo.h"]) {
    files[header] = await Deno.readTextFile(`${C_DIR}${header}`);
  }
  return files;
}

/** The tests Gradescope would show as not passed, each with its id and output, for a message. */
function notPassed(results: GradescopeResults): string {
  return results.tests.filter((t) => t.status !== "passed")
    .map((t) => `${t.extra_data.id}: ${t.extra_data.outcome}: ${t.output}`).join("\n") +
    "\n" +
    results.output;
}

/** Runs run_autograder against `root` and returns Gradescope's results; checks nothing is left. */
async function runAutograder(
  root: string,
  env: Record<string, string> = {},
): Promise<{ results: GradescopeResults; log: string }> {
  const mark = newMark();
  const out = await new Deno.Command("bash", {
    args: [`${HERE}run_autograder`],
    env: {
      AUTOGRADER_ROOT: root,
      DENO: Deno.execPath(),
      NO_COLOR: "1",
      [MARK]: mark,
      ...env,
    },
    stdin: "null",
  }).output();
  const log = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assertEquals(out.code, 0, log);
  assertEquals(liveWithMark(mark), [], "nothing of the submission is left running");
  assertEquals(await exists(`${HERE}../../../.deno`), false, "no Deno cache in the work tree");
  const results = JSON.parse(await Deno.readTextFile(`${root}/results/results.json`));
  return { results, log };
}

Deno.test({
  name: "run_autograder grades a good submission: built, launched, scored",
  ignore,
  async fn() {
    const root = await autograderRoot(await fixtureSubmission("echo_fork"));
    try {
      const { results } = await runAutograder(root);
      assertEquals(results.tests.length, 5);
      assertEquals(results.tests.every((t) => t.status === "passed"), true, notPassed(results));
      assertEquals(results.score, results.tests.reduce((sum, t) => sum + t.max_score, 0));
      assertStringIncludes(results.output, "build: cc -O1 -o server server.c · ok");
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test({
  name: "run_autograder grades a crashing submission, naming the signal and the case",
  ignore,
  async fn() {
    const root = await autograderRoot(await fixtureSubmission("crash_big_recv"));
    try {
      const { results } = await runAutograder(root);
      const large = results.tests.find((t) => t.extra_data.id === "tcp.framing.large")!;
      assertEquals(large.status, "failed");
      assertStringIncludes(large.output, "killed by SIGSEGV (signal 11): a memory error");
      assertStringIncludes(results.output, "died: killed by SIGSEGV");
      const others = results.tests.filter((t) => t !== large);
      // The other cases ran against the restarted server and earned their points.
      assertEquals(others.map((t) => t.status), ["passed", "passed", "passed", "passed"]);
      assertEquals(results.score, others.reduce((sum, t) => sum + t.max_score, 0));
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test({
  name: "run_autograder gives a submission that does not compile 0 points and the compiler's words",
  ignore,
  async fn() {
    const root = await autograderRoot({ "server.c": "int main(void) { return missing; }\n" });
    try {
      const { results } = await runAutograder(root);
      assertEquals(results.score, 0);
      assertStringIncludes(results.output, "build: cc -O1 -o server server.c · FAILED");
      assertStringIncludes(results.output, "missing");
      assert(results.tests.every((t) => t.output.includes("Not run: The build")));
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test({
  name: "run_autograder leaves a results.json when sockspec itself cannot run",
  ignore,
  async fn() {
    const root = await autograderRoot(await fixtureSubmission("echo_fork"));
    try {
      const { results } = await runAutograder(root, { DENO: `${root}/no-such-deno` });
      assertEquals(results.score, 0);
      assertEquals(results.tests, []);
      assertStringIncludes(results.output, "sockspec could not grade this submission");
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "run_autograder's fallback results.json stays valid JSON when the log holds tabs and controls",
  ignore,
  async fn() {
    const root = await autograderRoot(await fixtureSubmission("echo_fork"));
    try {
      const broken = `${root}/broken-deno`;
      await Deno.writeTextFile(
        broken,
        "#!/bin/sh\nprintf 'col1\\tcol2 \\033[31mred\\033[0m \\\\ \"q\"\\n' >&2\nexit 4\n",
      );
      await Deno.chmod(broken, 0o755);
      const { results } = await runAutograder(root, { DENO: broken });
      assertEquals(results.score, 0);
      assertStringIncludes(results.output, "col1 col2");
      assertStringIncludes(results.output, '\\ "q"');
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "make_autograder.sh packs a zip that grades from /autograder/source as Gradescope unpacks it",
  ignore: ignore || !(await hasUnzip()),
  async fn() {
    const root = await autograderRoot(await fixtureSubmission("echo_fork"));
    try {
      const zip = `${root}/autograder.zip`;
      const made = await new Deno.Command("bash", {
        args: [`${HERE}make_autograder.sh`, zip, `${root}/source/assignment.env`],
      }).output();
      assertEquals(made.code, 0, new TextDecoder().decode(made.stderr));
      const unzip = await new Deno.Command("unzip", { args: ["-qo", zip, "-d", `${root}/source`] })
        .output();
      assertEquals(unzip.code, 0);
      for (const file of ["setup.sh", "run_autograder", "sockspec/deno.json"]) {
        await Deno.stat(`${root}/source/${file}`);
      }
      const mark = newMark();
      const out = await new Deno.Command("bash", {
        args: [`${root}/source/run_autograder`],
        env: { AUTOGRADER_ROOT: root, DENO: Deno.execPath(), NO_COLOR: "1", [MARK]: mark },
      }).output();
      assertEquals(out.code, 0);
      assertEquals(liveWithMark(mark), []);
      const results: GradescopeResults = JSON.parse(
        await Deno.readTextFile(`${root}/results/results.json`),
      );
      assertEquals(
        results.tests.map((t) => t.status).includes("failed"),
        false,
        notPassed(results),
      );
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

async function hasUnzip(): Promise<boolean> {
  try {
    const [zip, unzip] = await Promise.all(
      ["zip", "unzip"].map((tool) => new Deno.Command(tool, { args: ["-v"] }).output()),
    );
    return zip.success && unzip.success;
  } catch {
    return false;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

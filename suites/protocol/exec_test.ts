import { assertEquals } from "@std/assert";
import { runCli } from "../../harness/cli/_test_utils.ts";
import { liveWithMark, MARK, newMark, procTest } from "../../harness/program/_test_utils.ts";
import { processCases } from "../process.ts";

const BLOB = new URL("./examples/blob.toml", import.meta.url).pathname;
const BLOB_REF = new URL("../../fixtures/protocol/blob.ts", import.meta.url).pathname;

procTest(
  "conform --exec runs the process cases on blob's reference through blob.toml's probe",
  async () => {
    const mark = newMark();
    const r = await runCli("harness/cli/conform.ts", [
      "--exec",
      `${Deno.execPath()} run --allow-net ${BLOB_REF} {port}`,
      "--profile",
      BLOB,
      "--only",
      "process",
      "--seed",
      "1",
    ], { env: { [MARK]: mark } });
    assertEquals(liveWithMark(mark), [], "nothing of the program is left running");
    assertEquals(r.code, 0, r.stdout + r.stderr);
    const passed = r.stdout.split("\n").filter((l) => l.startsWith("PASS   "))
      .map((l) => l.split(/\s+/)[1]);
    assertEquals(passed.sort(), processCases.map((c) => c.id).sort(), r.stdout);
  },
);

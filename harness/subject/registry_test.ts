import { assertEquals, assertThrows } from "@std/assert";
import { parseArgs } from "@std/cli/parse-args";
import { serve } from "../../fixtures/references/serve.ts";
import { ALL_CASES } from "../../suites/mod.ts";
import { parseTargets, selectCases } from "../mod.ts";
import { PROFILES } from "./profiles.ts";
import {
  batchCases,
  subjectFromFlags,
  subjectFromOptions,
  subjectFromRow,
  type SubjectKind,
  SUBJECTS,
} from "./registry.ts";
import { readRunFlags, RUN_FLAGS } from "./run_flags.ts";
import { runSubject } from "./run.ts";
import type { Subject } from "./subject.ts";

/**
 * A new subject, sketched: the echo reference served in this process (`--loopback`). Its folder
 * would hold this function; the registry gains one line; no command changes.
 */
function loopbackSubject(): Subject {
  let close = () => Promise.resolve();
  return {
    kind: "loopback",
    cases: ALL_CASES,
    declared: () => parseTargets(["tcp://127.0.0.1:1"]),
    reproduce: (_flags, _spec, id) => `deno task conform --loopback --only ${id}`,
    open(profile) {
      const served = serve(profile.reference!);
      close = served.close;
      return Promise.resolve({
        ok: true,
        targets: () => served.targets,
        options: (base) => base,
        close: async () => {
          await close();
          return undefined;
        },
      });
    },
  };
}

const LOOPBACK: SubjectKind = {
  name: "loopback",
  cases: ALL_CASES,
  flags: { string: ["loopback"], collect: [] },
  usage: () => ["  --loopback    test the echo reference served in process"],
  notWith: "Give --loopback alone",
  fromFlags: (raw) => raw.loopback === undefined ? undefined : loopbackSubject(),
  inRow: () => false,
  fromRow: loopbackSubject,
  fromOptions: () => undefined,
};

Deno.test("a new subject is one kind in the registry: read from flags and run like the others", async () => {
  const kinds = [...SUBJECTS, LOOPBACK]; // the one line
  const subject = subjectFromFlags({ loopback: "" }, true, kinds)!;
  assertEquals(subject.kind, "loopback");
  assertThrows(
    () => subjectFromFlags({ target: ["tcp://127.0.0.1:7"], loopback: "" }, true, kinds),
    Error,
    "Give --loopback alone",
  );
  const run = await runSubject({
    subject,
    cases: selectCases(subject.cases, ["tcp.basic"], []),
    profile: PROFILES.echo,
    profileSpec: "echo",
    flags: readRunFlags(parseArgs(["--seed", "1"], RUN_FLAGS)),
  });
  assertEquals(run.ok, true);
  assertEquals([run.report.summary.pass, run.report.summary.fail], [3, 0]);
  assertEquals(run.report.cases[0].reproduce?.startsWith("deno task conform --loopback"), true);
});

Deno.test("subjectFromFlags() names the later of two subjects, and the default when none is given", () => {
  assertThrows(
    () => subjectFromFlags({ target: ["tcp://127.0.0.1:7"], exec: "./s {port}" }),
    Error,
    "Give --exec or --target, not both",
  );
  assertThrows(
    () => subjectFromFlags({ exec: "./s {port}", client: "./c {host} {port}" }),
    Error,
    "Give --client alone",
  );
  assertThrows(() => subjectFromFlags({}, true), Error, "No target: give --target");
  assertEquals(subjectFromFlags({}), undefined);
});

Deno.test("subjectFromRow() and subjectFromOptions() read the same kinds as the flags", () => {
  const targets = parseTargets(["tcp://127.0.0.1:7"]);
  assertEquals(subjectFromRow({ targets }).kind, "target");
  assertEquals(
    subjectFromRow({ targets, client: { command: "./c {port}" } }).kind,
    "target+client",
  );
  assertEquals(subjectFromRow({ targets: {}, exec: { command: "./s {port}" } }).kind, "program");
  assertEquals(subjectFromOptions({ client: "./c {host} {port}" })?.kind, "client");
  assertEquals(subjectFromOptions({}), undefined);
  assertEquals(
    batchCases([{ targets }, { targets: {}, client: { command: "./c {port}" } }]).length >
      batchCases([{ targets }]).length,
    true,
  );
});

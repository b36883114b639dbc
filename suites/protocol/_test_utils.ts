/**
 * The case↔mutant matrix of the protocol-file examples, one test file per example so they run in
 * parallel: each example's reference passes every case its file generates, each mutant fails
 * exactly the cases it names, and every generated case is failed by some mutant.
 *
 * @module
 */
import { assertEquals } from "@std/assert";
import { PROTOCOL_MUTANTS } from "../../fixtures/protocol/mutants/mod.ts";
import { PROTOCOL_REFERENCES } from "../../fixtures/protocol/mod.ts";
import { pooledMap } from "@std/async/pool";
import { serve, type Served } from "../../fixtures/references/serve.ts";
import { type Case, runCases } from "../../harness/mod.ts";
import { selfTest } from "../_self_check.ts";
import { loadProtocolFile } from "./load.ts";

/** The examples, by name (`suites/protocol/examples/NAME.toml`). */
export const EXAMPLES: readonly string[] = Object.keys(PROTOCOL_REFERENCES);
const profileOf = (name: string) =>
  loadProtocolFile(new URL(`./examples/${name}.toml`, import.meta.url).pathname);
/**
 * A second's wait for a reply: the servers are in this process and answer in microseconds, and a
 * mutant that never answers costs the wait once per case.
 */
const OPTIONS = { seed: 1, timeoutMs: 1000 };

/** Each case against a fresh server from `start`, 32 at a time (they mostly wait): no case sees another's state. */
async function failures(
  name: string,
  start: () => Promise<Served> | Served,
): Promise<{ id: string; text: string }[]> {
  const profile = profileOf(name);
  const out: { id: string; text: string }[] = [];
  const runOne = async (c: Case) => {
    await using served = await start();
    const report = await runCases([c], { ...OPTIONS, targets: served.targets, profile });
    const r = report.cases[0];
    if (r.outcome !== "pass") out.push({ id: r.id, text: `${r.id}: ${r.outcome}: ${r.message}` });
  };
  // Each case has a server of its own, so a scenario that runs alone (a broadcast) cannot hear
  // another case's clients here; only the clients that never read (each pumps 2 MiB) wait for
  // the others, and go three at a time.
  const loads = (c: Case) => c.id.endsWith(".beside-unread");
  for await (const _ of pooledMap(32, profile.cases.filter((c) => !loads(c)), runOne)) {
    /* drained */
  }
  for await (const _ of pooledMap(3, profile.cases.filter(loads), runOne)) { /* drained */ }
  return out.sort((a, b) => a.id < b.id ? -1 : 1);
}

/** Registers the matrix tests of one example: its reference, then each of its mutants. */
export function matrixTests(name: string): void {
  selfTest(`the ${name} reference passes every case ${name}.toml generates`, async () => {
    const bad = await failures(name, () => serve({ tcp: PROTOCOL_REFERENCES[name]() }));
    assertEquals(bad.map((f) => f.text), []);
  });
  for (const mutant of PROTOCOL_MUTANTS.filter((m) => m.profile === name)) {
    selfTest(`mutant ${mutant.name} fails exactly the ${name} cases it names`, async () => {
      const bad = await failures(name, () => mutant.start());
      assertEquals(
        bad.map((f) => f.id),
        [...mutant.catches].sort(),
        bad.map((f) => f.text).join("\n"),
      );
    });
  }
}

/** Registers the test that every case of every example is failed by some mutant. */
export function coverageTest(): void {
  selfTest("every case of every example is failed by some mutant", () => {
    const caught = new Set(PROTOCOL_MUTANTS.flatMap((m) => m.catches));
    const ids = EXAMPLES.flatMap((name) => profileOf(name).cases.map((c) => c.id));
    assertEquals(ids.filter((id) => !caught.has(id)), []);
  });
}

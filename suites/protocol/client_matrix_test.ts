/**
 * The client matrix of the protocol-file examples (`--client`): each example's reference client
 * passes every client case its file generates, each client mutant fails exactly the cases it
 * names, and every client case of those examples is failed by some mutant. Each client runs once,
 * all its cases at once (they mostly wait: late replies, gaps between segments).
 *
 * @module
 */
import { assertEquals } from "@std/assert";
import {
  PROTOCOL_CLIENT_MUTANTS,
  PROTOCOL_REFERENCE_CLIENTS,
  type ProtocolClient,
  protocolClientCommand,
} from "../../fixtures/protocol/clients.ts";
import { pooledMap } from "@std/async/pool";
import { runCases } from "../../harness/mod.ts";
import { selfTest } from "../_self_check.ts";
import { loadProtocolFile } from "./load.ts";

const profileOf = (name: string) =>
  loadProtocolFile(new URL(`./examples/${name}.toml`, import.meta.url).pathname);

/** The ids of `client`'s example's client cases it does not pass, with what happened. */
async function failures(client: ProtocolClient): Promise<{ id: string; text: string }[]> {
  const profile = profileOf(client.example);
  const report = await runCases(profile.clientCases, {
    targets: {},
    profile,
    seed: 1,
    // Every client here sends its requests; a loaded machine may take seconds to start one.
    timeoutMs: 10_000,
    concurrency: profile.clientCases.length,
    client: { command: protocolClientCommand(client.file), transport: "tcp" },
    // No client here hangs; a bug that made one would cost this much once.
    params: { "client-wait": 6000 },
  });
  return report.cases.filter((r) => r.outcome !== "pass")
    .map((r) => ({ id: r.id, text: `${r.id}: ${r.outcome}: ${r.message}` }))
    .sort((a, b) => a.id < b.id ? -1 : 1);
}

/** Every client's failures, three clients at a time (each runs all its cases at once). */
async function allFailures(): Promise<Map<string, { id: string; text: string }[]>> {
  const clients = [...PROTOCOL_REFERENCE_CLIENTS, ...PROTOCOL_CLIENT_MUTANTS];
  const out = new Map<string, { id: string; text: string }[]>();
  for await (
    const [name, bad] of pooledMap(
      3,
      clients,
      async (c: ProtocolClient) => [c.name, await failures(c)] as const,
    )
  ) {
    out.set(name, bad);
  }
  return out;
}

selfTest(
  "the protocol-file client matrix holds: references pass, each mutant fails what it names",
  async (t) => {
    const runs = await allFailures();
    for (const reference of PROTOCOL_REFERENCE_CLIENTS) {
      await t.step(
        `the ${reference.example} reference client passes every ${reference.example}.client case`,
        () => {
          assertEquals(runs.get(reference.name)!.map((f) => f.text), []);
        },
      );
    }
    for (const mutant of PROTOCOL_CLIENT_MUTANTS) {
      await t.step(
        `client mutant ${mutant.name} fails exactly the ${mutant.example}.client cases it names`,
        () => {
          const bad = runs.get(mutant.name)!;
          assertEquals(
            bad.map((f) => f.id),
            [...mutant.catches].sort(),
            bad.map((f) => f.text).join("\n"),
          );
        },
      );
    }
  },
);

selfTest("every client case of the chat and blob examples is failed by some client mutant", () => {
  const caught = new Set(PROTOCOL_CLIENT_MUTANTS.flatMap((m) => m.catches));
  const ids = PROTOCOL_REFERENCE_CLIENTS.flatMap((r) =>
    profileOf(r.example).clientCases.map((c) => c.id)
  );
  assertEquals(ids.length, 42);
  assertEquals(ids.filter((id) => !caught.has(id)), []);
});

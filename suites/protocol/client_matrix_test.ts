/**
 * The client matrix of the protocol-file examples (`--client`): each example's reference client
 * passes every client case its file generates, each client mutant fails exactly the cases it
 * names, and every client case of the examples is failed by some mutant. Each client runs each
 * case once, and the steps share the runs.
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
import { type Case, runCases } from "../../harness/mod.ts";
import { selfTest } from "../_self_check.ts";
import { loadProtocolFile } from "./load.ts";
import type { ProtocolProfile } from "./profile.ts";

const profiles = new Map<string, ProtocolProfile>();
const profileOf = (name: string): ProtocolProfile => {
  if (!profiles.has(name)) {
    profiles.set(
      name,
      loadProtocolFile(new URL(`./examples/${name}.toml`, import.meta.url).pathname),
    );
  }
  return profiles.get(name)!;
};

type Failure = { id: string; text: string };

/** Runs one client case against one client; its failure, or null when it passes. */
async function runOne(client: ProtocolClient, c: Case): Promise<Failure | null> {
  const report = await runCases([c], {
    targets: {},
    profile: profileOf(client.example),
    seed: 1,
    // Every client here sends its requests; a loaded machine may take seconds to start one.
    timeoutMs: 10_000,
    client: { command: protocolClientCommand(client.file), transport: "tcp" },
    // No client here hangs; a bug that made one would cost this much once.
    params: { "client-wait": 8000 },
  });
  const r = report.cases[0];
  return r.outcome === "pass" ? null : { id: r.id, text: `${r.id}: ${r.outcome}: ${r.message}` };
}

/**
 * Every client's failures among its example's client cases. The cases of all clients share one
 * pool of 12 (they mostly wait: late replies, gaps between segments), so no more than 12 client
 * programs run at once however many fixtures there are. Each is a Deno script: at 24, two suites at
 * once started 48 of them together, and a reference client's case ran into its 30 s deadline.
 */
async function allFailures(): Promise<Map<string, Failure[]>> {
  const clients = [...PROTOCOL_REFERENCE_CLIENTS, ...PROTOCOL_CLIENT_MUTANTS];
  const out = new Map<string, Failure[]>(clients.map((c) => [c.name, []]));
  const pairs = clients.flatMap((client) =>
    profileOf(client.example).clientCases.map((c) => ({ client, c }))
  );
  for await (
    const [name, bad] of pooledMap(
      12,
      pairs,
      async ({ client, c }: { client: ProtocolClient; c: Case }) =>
        [client.name, await runOne(client, c)] as const,
    )
  ) {
    if (bad) out.get(name)!.push(bad);
  }
  for (const list of out.values()) list.sort((a, b) => a.id < b.id ? -1 : 1);
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

selfTest("every client case of every example is failed by some client mutant", () => {
  const caught = new Set(PROTOCOL_CLIENT_MUTANTS.flatMap((m) => m.catches));
  const ids = PROTOCOL_REFERENCE_CLIENTS.flatMap((r) =>
    profileOf(r.example).clientCases.map((c) => c.id)
  );
  assertEquals(ids.length, 24 + 6 + 36);
  assertEquals(ids.filter((id) => !caught.has(id)), []);
});

import { assertEquals } from "@std/assert";
import { echoUdp } from "../../fixtures/references/echo.ts";
import { wrongBytes } from "../../fixtures/mutants/wrong_bytes.ts";
import { serve } from "../../fixtures/references/serve.ts";
import { runCases } from "../../harness/mod.ts";
import { pingServer } from "../../fixtures/protocol/ping.ts";
import { pingFirstClient } from "../../fixtures/protocol/mutants/ping_first_client.ts";
import { pingSilentOnUnknown } from "../../fixtures/protocol/mutants/ping_silent_on_unknown.ts";
import { pingTrimsNewline } from "../../fixtures/protocol/mutants/ping_trims_newline.ts";
import { ALL_CASES } from "../mod.ts";
import { loadProtocolFile } from "./load.ts";
import { parseProtocol } from "./parse.ts";
import { protocolProfile } from "./profile.ts";

const profile = protocolProfile(parseProtocol(
  `name = "uecho"
transports = ["udp"]
[[scenario]]
name = "one"
requirement = "A datagram comes back as it was sent"
steps = [
  { open = "u", transport = "udp" },
  { send = "u", text = "hello {token}" },
  { expect = "u", text = "hello {token}" },
  { expect = "u", nothing = 100 },
]
`,
  "uecho.toml",
));

Deno.test("protocolProfile() plays UDP scenarios as written and in copies", async () => {
  assertEquals(profile.cases.map((c) => c.id), ["uecho.one.as-written", "uecho.one.copies"]);
  await using served = serve({ udp: echoUdp });
  const report = await runCases(profile.cases, { targets: served.targets, profile, seed: 1 });
  assertEquals(report.cases.map((c) => c.outcome), ["pass", "pass"]);
});

Deno.test("protocolProfile() fails a UDP server whose datagram differs", async () => {
  await using served = await wrongBytes.start();
  const report = await runCases(profile.cases, { targets: served.targets, profile, seed: 1 });
  assertEquals(report.cases.map((c) => c.outcome), ["fail", "fail"]);
});

// fixtures/protocol/ping.toml: a UDP protocol whose probe scenario (PING {token}\n → PONG
// {token}\n) is the sample exchange of the generic UDP suites.
const ping = loadProtocolFile(
  new URL("../../fixtures/protocol/ping.toml", import.meta.url).pathname,
);
const PING_CASES = [...ALL_CASES.filter((c) => c.id.startsWith("udp.")), ...ping.cases];

Deno.test("the ping reference passes ping.toml's cases and the generic UDP suites through its probe", async () => {
  await using served = serve({ udp: pingServer() });
  const report = await runCases(PING_CASES, { targets: served.targets, profile: ping, seed: 1 });
  const bad = report.cases.filter((c) => !["pass", "info", "skip"].includes(c.outcome));
  assertEquals(bad.map((c) => `${c.id}: ${c.outcome}: ${c.message}`), []);
  assertEquals(ping.cases.map((c) => c.id), [
    "ping.ping.as-written",
    "ping.ping.copies",
    "ping.two.as-written",
    "ping.two.copies",
  ]);
  for (const id of ["udp.basic.single-datagram", "udp.datagram.reply-to-source"]) {
    assertEquals(report.cases.find((c) => c.id === id)?.outcome, "pass", id);
  }
});

const PING_MUTANTS = [pingFirstClient, pingSilentOnUnknown, pingTrimsNewline];

for (const mutant of PING_MUTANTS) {
  Deno.test(`mutant ${mutant.name} fails exactly the ping and generic UDP cases it names`, async () => {
    // A fresh server for each case: a bug may keep what a run's earlier case sent.
    const failed: string[] = [];
    await Promise.all(PING_CASES.map(async (c) => {
      await using served = await mutant.start();
      const r = await runCases([c], {
        targets: served.targets,
        profile: ping,
        seed: 1,
        timeoutMs: 1000,
      });
      if (r.cases[0].outcome === "fail") failed.push(c.id);
    }));
    assertEquals(failed.sort(), [...mutant.catches].sort());
  });
}

Deno.test("every case ping.toml generates is failed by some ping mutant", () => {
  const caught = new Set(PING_MUTANTS.flatMap((m) => m.catches));
  assertEquals(ping.cases.map((c) => c.id).filter((id) => !caught.has(id)), []);
});

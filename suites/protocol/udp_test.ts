import { assertEquals } from "@std/assert";
import { echoUdp } from "../../fixtures/references/echo.ts";
import { wrongBytes } from "../../fixtures/mutants/wrong_bytes.ts";
import { serve } from "../../fixtures/references/serve.ts";
import { runCases } from "../../harness/mod.ts";
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

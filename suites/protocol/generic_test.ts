import { assert, assertEquals } from "@std/assert";
import { kvHalfCloseDrops } from "../../fixtures/protocol/mutants/kv_half_close_drops.ts";
import { blobLittleEndian } from "../../fixtures/protocol/mutants/blob_little_endian.ts";
import { blobOneRecv } from "../../fixtures/protocol/mutants/blob_one_recv.ts";
import { kvIterative } from "../../fixtures/protocol/mutants/kv_iterative.ts";
import { PROTOCOL_REFERENCES } from "../../fixtures/protocol/mod.ts";
import { serve, type Served } from "../../fixtures/references/serve.ts";
import { type Case, runCases } from "../../harness/mod.ts";
import { ALL_CASES } from "../mod.ts";
import { loadProtocolFile } from "./load.ts";

const example = (name: string) =>
  loadProtocolFile(new URL(`./examples/${name}.toml`, import.meta.url).pathname);
/** The generic TCP suites (half-close, concurrency, robustness, backlog, framing). */
const GENERIC: readonly Case[] = ALL_CASES.filter((c) => c.id.startsWith("tcp."));

async function outcomes(name: string, served: Served, ids = GENERIC.map((c) => c.id)) {
  const report = await runCases(GENERIC.filter((c) => ids.includes(c.id)), {
    targets: served.targets,
    profile: example(name),
    seed: 1,
    timeoutMs: 1000,
  });
  return Object.fromEntries(report.cases.map((r) => [r.id, `${r.outcome}: ${r.message}`]));
}

for (const name of ["kv", "chat", "blob"]) {
  Deno.test(`the ${name} reference passes the generic TCP suites through ${name}.toml's probe exchange`, async () => {
    await using served = serve({ tcp: PROTOCOL_REFERENCES[name]() });
    const got = await outcomes(name, served);
    const problems = Object.entries(got).filter(([, o]) => /^(fail|error|flaky|warn)/.test(o));
    assertEquals(problems, []);
    for (const id of ["tcp.basic.single-request", "tcp.concurrency.idle-client"]) {
      assert(got[id].startsWith("pass"), `${id} runs on ${name}: ${got[id]}`);
    }
  });
}

Deno.test("a kv server that closes at the client's EOF before answering fails tcp.halfclose.reply-after-shutdown", async () => {
  await using served = await kvHalfCloseDrops.start();
  const got = await outcomes("kv", served, ["tcp.halfclose.reply-after-shutdown"]);
  assert(got["tcp.halfclose.reply-after-shutdown"].startsWith("fail"), JSON.stringify(got));
});

// blob's probe sends a framed message (header = "01 00") with {data} as its body: the generic cases
// put their payloads there and fill the length field around them.
for (
  const [mutant, id] of [
    [blobOneRecv, "tcp.framing.split-header"],
    [blobLittleEndian, "tcp.framing.byte-order"],
  ] as const
) {
  Deno.test(`mutant ${mutant.name} fails ${id} through blob.toml's framed probe`, async () => {
    await using served = await mutant.start();
    const got = await outcomes("blob", served, [id]);
    assert(got[id].startsWith("fail"), JSON.stringify(got));
  });
}

Deno.test("an iterative kv server fails tcp.concurrency.idle-client", async () => {
  await using served = await kvIterative.start();
  const got = await outcomes("kv", served, ["tcp.concurrency.idle-client"]);
  assert(got["tcp.concurrency.idle-client"].startsWith("fail"), JSON.stringify(got));
});

Deno.test("protocolProfile() rules out the generic cases the file's own rules do not ask for", () => {
  const chat = example("chat");
  assert(chat.ruledOut?.["tcp.halfclose.reply-after-shutdown"]?.includes("half_close = true"));
  const blob = example("blob");
  assertEquals(blob.framing, { kind: "length-prefix", headerBytes: 2, at: 2, size: 4 });
  assertEquals(blob.encode!(Uint8Array.of(7)), Uint8Array.of(1, 0, 0, 1, 7));
  assertEquals(blob.expectedReply!(Uint8Array.of(1, 0, 0, 1, 7)), Uint8Array.of(0x81, 0, 0, 1, 7));
  assertEquals(example("kv").ruledOut?.["tcp.framing.pipelined"], undefined);
});

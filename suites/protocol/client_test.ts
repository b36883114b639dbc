import { assertEquals, assertStringIncludes } from "@std/assert";
import { conform } from "../../harness/cli/conform.ts";

const KV = new URL("./examples/kv.toml", import.meta.url).pathname;
const client = (file: string) =>
  `deno run --allow-net ${
    new URL(`../../fixtures/protocol/${file}`, import.meta.url).pathname
  } {host} {port}`;

function capture() {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l: string) => lines.push(l), err: (l: string) => errors.push(l) };
}

Deno.test("conform --client plays the server's side of a protocol file's scenarios", async () => {
  const io = capture();
  const args = ["--client", client("kv_client.ts"), "--profile", KV, "--only", "kv.client"];
  assertEquals(await conform([...args, "--seed", "1"], { io }), 0, io.lines.join("\n"));
  const summary = io.lines.at(-1)!;
  // back-to-back writes two requests before a reply: the server waits for both, then replies.
  assertStringIncludes(summary, "24 passed, 0 failed");
});

Deno.test("conform --client fails a client that takes one recv() for a reply", async () => {
  const io = capture();
  const args = ["--client", client("kv_client_one_recv.ts"), "--profile", KV];
  const only = ["--only", "kv.client.missing", "--seed", "1"];
  assertEquals(await conform([...args, ...only], { io }), 1);
  const failed = io.lines.filter((l) => l.startsWith("FAIL   ")).map((l) => l.split(/\s+/)[1]);
  assertEquals(failed.sort(), [
    "kv.client.missing.byte-segments",
    "kv.client.missing.cut-framing",
    "kv.client.missing.early-close",
    "kv.client.missing.reset",
  ]);
});

Deno.test("conform --client keeps the file's client contract: its arguments, stdin and stdout", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sockspec-client-contract-" });
  try {
    const file = `${dir}/get.toml`;
    await Deno.writeTextFile(
      file,
      `name = "get"
framing = { delimiter = "\\n" }

[client]
args = "GET {token}"
stdin = "nothing"
stdout = "replies"

[[scenario]]
name = "missing"
requirement = "GET of a key never set answers NOTFOUND"
steps = [
  { open = "a" },
  { send = "a", text = "GET {token}\\n" },
  { expect = "a", text = "NOTFOUND\\n" },
]
`,
    );
    const io = capture();
    const args = ["--client", client("kv_get.ts"), "--profile", file, "--seed", "1"];
    assertEquals(await conform(args, { io }), 0, io.lines.join("\n"));
    assertStringIncludes(io.lines.at(-1)!, "6 passed, 0 failed");
    // The same client without the arguments the file promises sends an empty request.
    await Deno.writeTextFile(
      file,
      (await Deno.readTextFile(file)).replace('args = "GET {token}"', ""),
    );
    const without = capture();
    assertEquals(
      await conform([...args, "--only", "get.client.missing.as-written"], { io: without }),
      1,
    );
    assertStringIncludes(without.lines.join("\n"), "the client did not send this request");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("conform --client fails a client in lock step where the scenario writes two requests back to back", async () => {
  const io = capture();
  const args = ["--client", client("kv_client_lockstep.ts"), "--profile", KV, "--timeout", "1000"];
  const only = [
    "--only",
    "kv.client.back-to-back.as-written",
    "--only",
    "kv.client.missing.as-written",
  ];
  assertEquals(await conform([...args, ...only, "--seed", "1"], { io }), 1);
  const failed = io.lines.filter((l) => l.startsWith("FAIL   ")).map((l) => l.split(/\s+/)[1]);
  assertEquals(failed, ["kv.client.back-to-back.as-written"]);
  assertStringIncludes(io.lines.join("\n"), "the client did not send this request");
});

const PING = new URL("../../fixtures/protocol/ping.toml", import.meta.url).pathname;

Deno.test("conform --client plays the server's side of a UDP scenario over a datagram socket", async () => {
  const io = capture();
  const args = ["--client", client("ping_client.ts"), "--profile", PING, "--seed", "1"];
  assertEquals(await conform(args, { io }), 0, io.lines.join("\n"));
  const passed = io.lines.filter((l) => l.startsWith("PASS   ")).map((l) => l.split(/\s+/)[1]);
  // ping and two, each as written, late and with its first datagram lost; and the generic UDP
  // client cases through the probe's exchange (PING {token}\n on stdin, PONG ... printed).
  assertEquals(passed.filter((id) => id.startsWith("ping.client.")).length, 6);
  assertEquals(passed.filter((id) => id.startsWith("client.udp.")).length > 0, true);
});

Deno.test("conform --client fails a UDP client that never sends a lost request again", async () => {
  const io = capture();
  const args = [
    "--client",
    client("ping_client_no_retry.ts"),
    "--profile",
    PING,
    "--timeout",
    "1500",
  ];
  assertEquals(await conform([...args, "--only", "ping.client", "--seed", "1"], { io }), 1);
  const failed = io.lines.filter((l) => l.startsWith("FAIL   ")).map((l) => l.split(/\s+/)[1]);
  assertEquals(failed.sort(), ["ping.client.ping.dropped", "ping.client.two.dropped"]);
});

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
  assertStringIncludes(summary, "15 passed, 0 failed");
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
  ]);
});

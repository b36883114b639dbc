import { assert, assertEquals, assertRejects } from "@std/assert";
import { freePort, procTest } from "./_test_utils.ts";
import { launch } from "./launch.ts";
import { waitReady } from "./ready.ts";

const HOST = "127.0.0.1";

/** A python3 server binding the given ports after `delay` seconds, then sleeping. */
function python(binds: { tcp?: number; udp?: number; delay?: number }): string[] {
  const script = [
    "import socket, sys, time",
    `time.sleep(${binds.delay ?? 0})`,
    "keep = []",
    binds.tcp === undefined ? "" : [
      "t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)",
      "t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
      `t.bind(("${HOST}", ${binds.tcp})); t.listen(); keep.append(t)`,
    ].join("\n"),
    binds.udp === undefined ? "" : [
      "u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
      `u.bind(("${HOST}", ${binds.udp})); keep.append(u)`,
    ].join("\n"),
    "time.sleep(30)",
  ].join("\n");
  return ["python3", "-c", script];
}

procTest(
  "waitReady() returns as soon as a python3 server listens, after its 1 s delay",
  async () => {
    const port = freePort("tcp");
    await using server = launch({ argv: python({ tcp: port, delay: 1 }), label: "server" });
    const result = await waitReady(server, { tcp: { host: HOST, port } });
    assert(result.ok, JSON.stringify(result));
    await assertListening(port, result.ms);
  },
);

procTest("waitReady() sees a socat TCP listener that starts after 1 s", async () => {
  const port = freePort("tcp");
  await using server = launch({
    argv: [
      "sh",
      "-c",
      `sleep 1; exec socat TCP-LISTEN:${port},bind=${HOST},reuseaddr,fork EXEC:cat`,
    ],
  });
  const result = await waitReady(server, { tcp: { host: HOST, port } });
  assert(result.ok, JSON.stringify(result));
  await assertListening(port, result.ms);
});

procTest("waitReady() sees a Deno listener that starts after 1 s", async () => {
  const port = freePort("tcp");
  const code = "await new Promise((r) => setTimeout(r, 1000));" +
    `for await (const c of Deno.listen({ hostname: "${HOST}", port: ${port} })) c.close();`;
  await using server = launch({
    argv: [Deno.execPath(), "eval", code],
    limits: { memory: Infinity }, // V8 reserves far more address space than 1 GiB
  });
  const result = await waitReady(server, { tcp: { host: HOST, port } });
  assert(result.ok, `${JSON.stringify(result)} ${server.stderrText()}`);
  await assertListening(port, result.ms);
});

procTest("waitReady() sees a UDP port bound by the program, and TCP and UDP together", async () => {
  const tcp = freePort("tcp");
  const udp = freePort("udp");
  await using server = launch({ argv: python({ tcp, udp, delay: 0.5 }) });
  const result = await waitReady(server, {
    tcp: { host: HOST, port: tcp },
    udp: { host: HOST, port: udp },
  });
  assert(result.ok, JSON.stringify(result));
  await assertListening(tcp, result.ms);
  assertEquals(server.ports(), { tcp: [tcp], udp: [udp] });
  assertEquals(server.ports("udp"), { tcp: [], udp: [udp] });
  assertEquals(server.ports("tcp"), { tcp: [tcp], udp: [] });
});

procTest("waitReady() reports a program that exits at once, with its stderr", async () => {
  const port = freePort("tcp");
  await using server = launch({
    argv: ["sh", "-c", "echo starting >&2; echo 'bind: Address already in use' >&2; exit 2"],
    label: "server",
  });
  const result = await waitReady(server, { tcp: { host: HOST, port } });
  if (result.ok || result.reason !== "exited") throw new Error(JSON.stringify(result));
  assertEquals(result.exit.code, 2);
  assertEquals(result.stderrTail, ["starting", "bind: Address already in use"]);
  assertEquals(
    result.message,
    `server exited with status 2 before it served TCP ${HOST}:${port}`,
  );
  assert(result.ms < 10_000, `waited out its deadline (${result.ms} ms) for a program that exited`);
});

procTest("waitReady() reports a program that crashes before it binds", async () => {
  const port = freePort("udp");
  await using server = launch({ argv: ["sh", "-c", "sleep 0.2; kill -SEGV $$"], label: "server" });
  const result = await waitReady(server, { udp: { host: HOST, port } });
  if (result.ok || result.reason !== "exited") throw new Error(JSON.stringify(result));
  assertEquals(result.exit.signal, "SIGSEGV");
  assert(result.message.startsWith("server killed by SIGSEGV (signal 11): a memory error"));
});

procTest("waitReady() times out on a program that never binds", async () => {
  const port = freePort("tcp");
  await using server = launch({ argv: ["sleep", "30"], label: "server" });
  const result = await waitReady(server, { tcp: { host: HOST, port } }, { timeoutMs: 500 });
  if (result.ok || result.reason !== "timeout") throw new Error(JSON.stringify(result));
  assertEquals(result.message, `server did not serve TCP ${HOST}:${port} within 500 ms`);
  assert(result.ms >= 500, `returned after ${result.ms} ms, before its 500 ms`);
});

procTest("waitReady() names the port a program bound instead of the one it was given", async () => {
  const given = freePort("tcp");
  const bound = freePort("tcp");
  await using server = launch({ argv: python({ tcp: bound }), label: "server" });
  // A deadline far past the grace the wrong port gets, so that "named before the deadline" has a
  // margin no load can eat.
  const result = await waitReady(server, { tcp: { host: HOST, port: given } }, {
    timeoutMs: 60_000,
  });
  if (result.ok || result.reason !== "wrong-port") throw new Error(JSON.stringify(result));
  assertEquals(result.message, `server listens on TCP ${bound} instead of ${given}`);
  assertEquals(result.tcp, [bound]);
  assert(result.ms < 30_000, `took ${result.ms} ms: waited out the deadline, not the grace`);
});

procTest("waitReady() names the transport when a program binds UDP instead of TCP", async () => {
  const port = freePort("udp");
  await using server = launch({ argv: python({ udp: port }), label: "server" });
  const result = await waitReady(server, { tcp: { host: HOST, port } }, {
    wrongPortGraceMs: 300,
  });
  if (result.ok || result.reason !== "wrong-port") throw new Error(JSON.stringify(result));
  assertEquals(result.message, `server listens on UDP ${port} instead of TCP ${port}`);
});

procTest("waitReady() rejects with the reason when the caller's signal aborts", async () => {
  const port = freePort("tcp");
  await using server = launch({ argv: ["sleep", "30"] });
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error("stop waiting")), 200);
  try {
    await assertRejects(
      () => waitReady(server, { tcp: { host: HOST, port } }, { signal: controller.signal }),
      Error,
      "stop waiting",
    );
  } finally {
    clearTimeout(timer);
  }
});

/**
 * The program listens on `port` now that waitReady() said so, and it said so before its 10 s
 * deadline: readiness was seen, not waited out. (No lower bound: on a loaded machine the launch
 * itself can take part of the program's start-up delay.)
 */
async function assertListening(port: number, ms: number): Promise<void> {
  assert(ms < 10_000, `ready only at the deadline (${ms} ms)`);
  const conn = await Deno.connect({ hostname: HOST, port });
  conn.close();
}

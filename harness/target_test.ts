import { assertEquals, assertThrows } from "@std/assert";
import { parseTarget, parseTargets, UsageError } from "./mod.ts";

Deno.test("parseTarget() reads TCP, UDP and bracketed IPv6 targets", () => {
  assertEquals(parseTarget("tcp://127.0.0.1:7"), {
    transport: "tcp",
    host: "127.0.0.1",
    port: 7,
    url: "tcp://127.0.0.1:7",
  });
  assertEquals(parseTarget("UDP://[::1]:65535").host, "::1");
  assertEquals(parseTarget("udp://[::1]:65535").url, "udp://[::1]:65535");
  assertEquals(parseTarget("tcp://localhost:8888").host, "localhost");
});

Deno.test("parseTarget() rejects malformed targets with one line naming the problem", () => {
  const cases: [string, string][] = [
    ["tcp//x", "not a URL"],
    ["tcp://host", "no port"],
    ["tcp://host:", "no port"],
    ["tcp://host:0", "port 0 is outside 1-65535"],
    ["tcp://host:70000", "port 70000 is outside 1-65535"],
    ["http://host:80", 'unknown scheme "http"'],
    ["tcp://:80", "no host"],
    ["tcp://host:8x", 'port "8x" is not a number'],
    ["tcp://::1:80", "goes in brackets"],
  ];
  for (const [text, why] of cases) {
    const e = assertThrows(() => parseTarget(text), UsageError);
    assertEquals(e.message.includes(why), true, `${text}: ${e.message}`);
    assertEquals(e.message.includes("\n"), false);
  }
});

Deno.test("parseTargets() allows a TCP and a UDP target on the same port number", () => {
  const t = parseTargets(["tcp://127.0.0.1:8888", "udp://127.0.0.1:8888"]);
  assertEquals([t.tcp?.port, t.udp?.port], [8888, 8888]);
  assertThrows(
    () => parseTargets(["tcp://a:1", "tcp://b:2"]),
    UsageError,
    "at most one per transport",
  );
  assertThrows(() => parseTargets([]), UsageError, "No target");
});

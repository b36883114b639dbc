import { assertEquals, assertStringIncludes } from "@std/assert";
import {
  CaseDeadline,
  CaseError,
  CaseFailure,
  CaseSkip,
  ConnectFailed,
  OUTCOME_RULES,
  verdict,
} from "./mod.ts";

Deno.test("verdict() makes a refused connect an error only when nothing listened at the start", () => {
  const refused = new ConnectFailed("Connection to TCP 127.0.0.1:7 refused", "refused");
  assertEquals(verdict(refused, { tcpAtStart: "refused" }).outcome, "error");
  assertEquals(verdict(refused, {}).outcome, "error");
  const v = verdict(refused, { tcpAtStart: "accepted" });
  assertEquals(v.outcome, "fail");
  assertStringIncludes(v.message, "stopped listening");
});

Deno.test("verdict() makes an unanswered connect to a target that accepted before a fail", () => {
  const timeout = new ConnectFailed("No TCP handshake with 127.0.0.1:7 within 2000 ms", "timeout");
  assertEquals(verdict(timeout, { tcpAtStart: "timeout" }).outcome, "error");
  const v = verdict(timeout, { tcpAtStart: "accepted" });
  assertEquals(v.outcome, "fail");
  assertStringIncludes(v.message, "listen queue is full");
});

Deno.test("verdict() makes a reset after the handshake the target's fail, always", () => {
  const reset = new ConnectFailed("TCP 127.0.0.1:7 completed the handshake, then reset", "reset");
  assertEquals(verdict(reset, {}).outcome, "fail");
  const unreachable = new ConnectFailed("Cannot connect to TCP x:7: no route", "unreachable");
  assertEquals(verdict(unreachable, { tcpAtStart: "accepted" }).outcome, "error");
});

Deno.test("verdict() tells a target that kept a case waiting from a case stuck on nothing", () => {
  const kept = verdict(new CaseDeadline(30000), { waitingOn: ["the reply on c1 (3 bytes in)"] });
  assertEquals(kept.outcome, "fail");
  assertStringIncludes(kept.message, "the target kept it waiting for the reply on c1 (3 bytes in)");
  const stuck = verdict(new CaseDeadline(30000), { waitingOn: [] });
  assertEquals(stuck.outcome, "error");
  assertStringIncludes(stuck.message, "Harness fault");
});

Deno.test("verdict() keeps the classes of what a case throws and of a case that returns", () => {
  assertEquals(verdict(new CaseFailure("x")).outcome, "fail");
  assertEquals(verdict(new CaseError("x")).outcome, "error");
  assertEquals(verdict(new CaseSkip("x")).outcome, "skip");
  assertEquals(verdict(new TypeError("oops")).message, "Harness fault: oops");
  assertEquals(verdict(null).outcome, "pass");
  assertEquals(verdict(null, { warnings: ["slow"] }).outcome, "warn");
  assertEquals(verdict(null, { warnings: ["slow"], strict: true }).outcome, "fail");
  assertEquals(verdict(null, { infos: ["measured"] }).outcome, "info");
});

Deno.test("OUTCOME_RULES has a row for every class a case can end in", () => {
  const classes = new Set(OUTCOME_RULES.map((r) => r.outcome));
  assertEquals([...classes].sort(), ["error", "fail", "info", "pass", "skip", "warn"]);
});

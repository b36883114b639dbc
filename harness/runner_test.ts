import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { echo } from "./cli/_test_utils.ts";
import { serve } from "../fixtures/references/serve.ts";
import {
  type Case,
  notApplicable,
  parseTarget,
  type ProgramUnderTest,
  runCase,
  runCases,
} from "./mod.ts";
import { PASSED_KEEP } from "./transcript.ts";
import { onFreshPort } from "./subject/target/_test_utils.ts";

const tcp = parseTarget("tcp://127.0.0.1:9");
const udp = parseTarget("udp://127.0.0.1:9");

function fake(id: string, run: Case["run"], extra: Partial<Case> = {}): Case {
  return { id, title: id, requirement: "r", appliesTo: { transport: "tcp" }, run, ...extra };
}

Deno.test("runCase() turns what a case throws into an outcome", async () => {
  const opts = { targets: { tcp }, profile: echo, seed: 1 };
  const outcomes = await Promise.all([
    runCase(fake("a.pass", async () => {}), opts),
    runCase(
      fake(
        "a.fail",
        (t) => Promise.resolve(t.fail("broke", { expected: "x", actual: new Uint8Array([0x3c]) })),
      ),
      opts,
    ),
    runCase(fake("a.error", (t) => Promise.resolve(t.error("could not"))), opts),
    runCase(fake("a.skip", (t) => Promise.resolve(t.skip("n/a"))), opts),
    runCase(fake("a.warn", (t) => Promise.resolve(t.warn("meh"))), opts),
    runCase(fake("a.info", (t) => Promise.resolve(t.info("measured", { n: 3 }))), opts),
    runCase(fake("a.fault", () => Promise.reject(new TypeError("oops"))), opts),
  ]);
  assertEquals(outcomes.map((r) => r.outcome), [
    "pass",
    "fail",
    "error",
    "skip",
    "warn",
    "info",
    "error",
  ]);
  assertEquals(outcomes[1].expected, "x");
  assertEquals(outcomes[1].actual, '1 byte "<"');
  assertEquals(outcomes[1].actualHex, "3c");
  assertEquals(outcomes[5].data, { n: 3 });
  assertStringIncludes(outcomes[6].message, "Harness fault: oops");
});

Deno.test("runCase() makes a warning a fail under strict", async () => {
  const r = await runCase(fake("a.warn", (t) => Promise.resolve(t.warn("slow"))), {
    targets: { tcp },
    profile: echo,
    seed: 1,
    strict: true,
  });
  assertEquals(r.outcome, "fail");
  assertStringIncludes(r.message, "--strict");
});

Deno.test("runCase() ends a case that never finishes at its deadline and closes its sockets", async () => {
  await using served = serve({ tcp: async (conn) => void await conn.read(new Uint8Array(1)) });
  const r = await runCase(
    fake("a.hang", async (t) => {
      await t.connect();
      await new Promise(() => {}); // a case stuck on something with no deadline of its own
    }, { timeoutMs: 200 }),
    { targets: served.targets, profile: echo, seed: 1 },
  );
  assertEquals(r.outcome, "error");
  assertStringIncludes(r.message, "did not finish within its 200 ms deadline");
  assertEquals(r.transcript.filter((e) => e.kind === "close").length, 1);
});

Deno.test("runCase() fails a case the target kept waiting past its deadline, naming the wait", async () => {
  await using served = serve({ tcp: async (conn) => void await conn.read(new Uint8Array(1)) });
  const r = await runCase(
    fake("a.kept", async (t) => {
      const c = await t.connect();
      // A wait longer than the case's deadline: the target never sends.
      await c.readUntil(() => -1, { timeoutMs: 60_000, boundMs: 60_000, what: "a greeting" });
    }, { timeoutMs: 300 }),
    { targets: served.targets, profile: echo, seed: 1 },
  );
  assertEquals(r.outcome, "fail", r.message);
  assertStringIncludes(r.message, "the target kept it waiting for a greeting on c1");
});

Deno.test("runCases() gives TCP and UDP cases a pool each", async () => {
  let running = 0, most = 0;
  const body = async () => {
    running++;
    most = Math.max(most, running);
    await new Promise((r) => setTimeout(r, 30));
    running--;
  };
  const cases = [
    ...Array.from({ length: 4 }, (_, i) => fake(`p.tcp${i}`, body)),
    ...Array.from(
      { length: 4 },
      (_, i) => fake(`p.udp${i}`, body, { appliesTo: { transport: "udp" } }),
    ),
  ];
  const report = await runCases(cases, {
    targets: { tcp, udp },
    profile: echo,
    seed: 1,
    concurrency: 2,
  });
  assertEquals(report.summary.pass, 8);
  assertEquals(most, 4);
});

Deno.test("runCases() skips what does not apply and keeps listing order", async () => {
  const cases = [
    fake("b.udp", async () => {}, { appliesTo: { transport: "udp" } }),
    fake("b.tcp", async () => {}),
    fake("b.only-line", async () => {}, { appliesTo: { transport: "tcp", profiles: ["line"] } }),
  ];
  const report = await runCases(cases, { targets: { tcp }, profile: echo, seed: 1 });
  assertEquals(report.cases.map((c) => [c.id, c.outcome]), [["b.udp", "skip"], ["b.tcp", "pass"], [
    "b.only-line",
    "skip",
  ]]);
  assertEquals(report.cases[0].message, "No UDP target given");
  assertEquals(report.summary.pass, 1);
  assertEquals(report.summary.skip, 2);
});

Deno.test("runCases() runs at most `concurrency` cases of a transport at once and exclusive cases alone", async () => {
  let running = 0, most = 0, exclusiveSawOthers = false;
  const body = async () => {
    running++;
    most = Math.max(most, running);
    await new Promise((r) => setTimeout(r, 20));
    running--;
  };
  const cases = [
    ...Array.from({ length: 8 }, (_, i) => fake(`c.shared${i}`, body)),
    fake("c.alone", async () => {
      exclusiveSawOthers = running > 0;
      await body();
    }, { exclusive: true }),
  ];
  const report = await runCases(cases, {
    targets: { tcp },
    profile: echo,
    seed: 1,
    concurrency: 3,
  });
  assertEquals(report.summary.pass, 9);
  assertEquals(most, 3);
  assertEquals(exclusiveSawOthers, false);
});

Deno.test("runCases() runs measure, first, hazard and load cases one at a time, in that order around the shared ones", async () => {
  const order: string[] = [];
  let running = 0;
  const aloneSawOthers: string[] = [];
  const body = (id: string, alone: boolean) => async () => {
    if (alone && running > 0) aloneSawOthers.push(id);
    running++;
    order.push(id);
    await new Promise((r) => setTimeout(r, 10));
    running--;
  };
  const made = (id: string, extra: Partial<Case> = {}) =>
    fake(id, body(id, extra.alone !== undefined || extra.exclusive === true), extra);
  const cases = [
    made("load", { exclusive: true }),
    made("hazard.a", { alone: "hazard" }),
    made("shared.a"),
    made("first.a", { alone: "first" }),
    made("hazard.b", { alone: "hazard" }),
    made("shared.b"),
    made("measure.a", { alone: "measure" }),
    made("first.b", { alone: "first" }),
  ];
  const report = await runCases(cases, { targets: { tcp }, profile: echo, seed: 1 });
  assertEquals(report.cases.map((r) => r.id), cases.map((c) => c.id), "reported in listing order");
  assertEquals(order.slice(0, 3), ["measure.a", "first.a", "first.b"]);
  assertEquals(new Set(order.slice(3, 5)), new Set(["shared.a", "shared.b"]));
  assertEquals(order.slice(5), ["hazard.a", "hazard.b", "load"]);
  assertEquals(aloneSawOthers, []);
});

Deno.test("runCases() runs every case still to come side by side once the target was asked and answered nothing right", async () => {
  let running = 0;
  let most = 0;
  const hazard = (id: string) =>
    fake(id, async () => {
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 20));
      running--;
    }, { alone: "hazard" });
  const opts = { targets: { tcp }, profile: echo, seed: 1 };
  // Every case passes: nothing says the target is unresponsive, so the hazards go one at a time.
  await runCases([hazard("h.a"), hazard("h.b"), hazard("h.c")], opts);
  assertEquals(most, 1);
  // A first exchange failed and no request was ever answered right: nothing left to take down.
  most = 0;
  const failed = fake("first.a", (t) => Promise.resolve(t.fail("no reply")), { alone: "first" });
  const report = await runCases([failed, hazard("h.a"), hazard("h.b"), hazard("h.c")], opts);
  assertEquals(report.cases.map((r) => r.outcome), ["fail", "pass", "pass", "pass"]);
  assert(most > 1, "the hazard cases ran side by side");
  // A request asked and not answered (a refused connect counts): the shared, hazard and load
  // steps go as one, more at once than the run's concurrency.
  most = 0;
  const asked = fake("first.b", async (t) => void await t.connect(), { alone: "first" });
  const made = (id: string, extra: Partial<Case>) =>
    fake(id, async () => {
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 20));
      running--;
    }, extra);
  const rest = [
    made("s.a", {}),
    made("s.b", {}),
    made("h.d", { alone: "hazard" }),
    made("h.e", { alone: "hazard" }),
    made("l.a", { exclusive: true }),
  ];
  await runCases([failed, ...rest], { ...opts, concurrency: 2 });
  assertEquals(most, 2, "a fail before any request was asked leaves the shared step as it is");
  most = 0;
  await runCases([asked, ...rest], { ...opts, concurrency: 2 });
  assertEquals(most, rest.length);
  // A target that died and was started again (`--exec`) was not unresponsive: the hazards stay
  // one at a time, so that a death among them is blamed on the one case that ran.
  most = 0;
  await runCases([asked, ...rest], { ...opts, concurrency: 2, targetDied: () => true });
  assertEquals(most, 2, "the shared step at its concurrency, the hazards and the load alone");
});

Deno.test("runCases() skips a case whose targets are not as it asks before it runs", async () => {
  let ran = false;
  const both = fake("p.both", () => {
    ran = true;
    return Promise.resolve();
  }, {
    appliesTo: { transport: "any", targets: { tcp: true, udp: true, reason: "Needs both" } },
  });
  const report = await runCases([both], {
    targets: { tcp },
    profile: echo,
    seed: 1,
    beforeCase: () => Promise.resolve({ notRun: "the target died" }),
  });
  assertEquals([report.cases[0].outcome, report.cases[0].message], ["skip", "Needs both"]);
  assertEquals(ran, false);
});

Deno.test("notApplicable() names why a case does not apply", () => {
  const udpCase = fake("d.u", async () => {}, {
    appliesTo: { transport: "udp", requestReply: true },
  });
  assertEquals(notApplicable(udpCase, { tcp }, echo), "No UDP target given");
  assertEquals(notApplicable(udpCase, { udp }, echo), null);
  const noReply = { ...echo, encode: undefined, expectedReply: undefined, name: "discard" };
  assert(notApplicable(udpCase, { udp }, noReply)?.includes("no request/reply"));
  const udpOnly = fake("d.o", async () => {}, {
    appliesTo: { transport: "any", targets: { tcp: false, udp: true, reason: "UDP alone" } },
  });
  assertEquals(notApplicable(udpOnly, { tcp, udp }, echo), "UDP alone");
  assertEquals(notApplicable(udpOnly, { udp }, echo), null);
});

Deno.test("CaseRun.liveness() fails naming what came before when nobody answers", async () => {
  await using served = serve({ tcp: async () => {} });
  const r = await runCase(
    fake("e.live", (t) => t.liveness("a reset")),
    { targets: served.targets, profile: echo, seed: 1, timeoutMs: 300 },
  );
  assertEquals(r.outcome, "fail");
  assertStringIncludes(r.message, "After a reset, a fresh client was not served");
});

Deno.test("runCase() keeps the ends of a passed case's transcript and all of a failed one's", async (t) => {
  const chatty = (fails: boolean): Case => ({
    id: "x.chatty",
    title: "many events",
    requirement: "r",
    appliesTo: { transport: "tcp" },
    async run(ctx) {
      await Promise.resolve();
      for (let i = 0; i < 100; i++) ctx.transcript.record(`k${i}`, "note", { detail: `${i}` });
      if (fails) ctx.fail("failed on purpose");
    },
  });
  await t.step("passed: the first and last events and a note counting the rest", async () => {
    const r = await runCase(chatty(false), { targets: {}, profile: echo, seed: 1 });
    assertEquals(r.outcome, "pass");
    assertEquals(r.transcript.length, PASSED_KEEP.head + 1 + PASSED_KEEP.tail);
    assertEquals(r.transcript[PASSED_KEEP.head].kind, "note");
    assertEquals(r.transcript.at(-1)?.detail, "99");
  });
  await t.step("failed: every event", async () => {
    const r = await runCase(chatty(true), { targets: {}, profile: echo, seed: 1 });
    assertEquals(r.outcome, "fail");
    assertEquals(r.transcript.filter((e) => e.conn.startsWith("k")).length, 100);
  });
});

Deno.test("runCases() takes its first look at the target for a run of program cases only", async () => {
  // The program case applies only with a program; the run's first connect must count it, so a
  // target that stops accepting during the case is the target's fail, not sockspec's error. A run
  // whose closed port still answered a plain connect proves nothing, and is made again on another
  // port (a double run saw one: the connect after the close succeeded).
  await onFreshPort(async ({ target, down }) => {
    const programCase = fake("x.program", async (t) => {
      await (await t.connect()).close();
      await down();
      await t.connect();
    }, { appliesTo: { transport: "tcp", program: true } });
    const report = await runCases([programCase], {
      targets: { tcp: target },
      profile: echo,
      seed: 1,
      program: {} as ProgramUnderTest,
    });
    return () => assertEquals(report.cases[0].outcome, "fail", report.cases[0].message);
  });
});

Deno.test("a load case against a target that refused the run's first connect is an error, not a fail", async () => {
  // Refused from the start (the port is closed), after simpler cases were refused too: sockspec
  // could not test the target, so its load cases must not fail it (exit 3, not 1).
  await onFreshPort(async ({ target, down }) => {
    await down();
    const simple = fake("a.simple", async (t) => {
      await t.connect();
    });
    const load = fake("a.load", async (t) => {
      await t.beforeLoad("a crowd");
    }, { exclusive: true });
    const report = await runCases([simple, load], {
      targets: { tcp: target },
      profile: echo,
      seed: 1,
    });
    return () => {
      assertEquals(report.cases.map((c) => c.outcome), ["error", "error"], report.cases[1].message);
      assertStringIncludes(report.cases[1].message, "did not accept the run's first connection");
    };
  });
});

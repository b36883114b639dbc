import { assert, assertEquals, assertRejects, assertStringIncludes } from "@std/assert";
import { runClient } from "./run.ts";
import { ServerClock } from "./server_clock.ts";
import { CaseError } from "../errors.ts";
import { Transcript } from "../transcript.ts";

const encode = (s: string) => new TextEncoder().encode(s);
const decode = (b: Uint8Array) => new TextDecoder().decode(b);

/** The pids whose command line contains `token`. */
function withToken(token: string): number[] {
  const found: number[] = [];
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const args = Deno.readTextFileSync(`/proc/${e.name}/cmdline`).split("\0");
      if (args.includes(token)) found.push(Number(e.name));
    } catch { /* gone */ }
  }
  return found;
}

function options(command: string, extra: Partial<Parameters<typeof runClient>[0]> = {}) {
  return {
    client: { command },
    host: "127.0.0.1",
    port: 4242,
    stdin: encode("message"),
    waitMs: 5000,
    transcript: new Transcript(),
    ...extra,
  };
}

Deno.test("runClient() gives the message on stdin and keeps stdout, stderr and the exit status", async () => {
  const o = options("sh -c 'echo {host}:{port}; cat; echo oops >&2; exit 3'");
  const run = await runClient(o);
  assertEquals(run.exit?.code, 3);
  assertEquals(decode(run.stdout.bytes), "127.0.0.1:4242\nmessage");
  assertEquals(decode(run.stderr.bytes), "oops\n");
  assertEquals(run.cpuMs, null);
  const kinds = o.transcript.events.map((e) => `${e.conn} ${e.kind}`);
  assertEquals(kinds, ["client note", "stdin send", "client close", "stdout recv", "stderr recv"]);
  assertStringIncludes(o.transcript.events[2].detail!, "exited with status 3");
});

Deno.test("runClient() names the signal that killed the client", async () => {
  const run = await runClient(options("sh -c 'kill -PIPE $$' {port}"));
  assertEquals(run.exit?.signal, "SIGPIPE");
  assertStringIncludes(run.exit!.description, "MSG_NOSIGNAL");
});

Deno.test("runClient() kills a client that overstays, with what it forked", async () => {
  const token = `sockspec-${crypto.randomUUID()}`;
  const o = options(`sh -c 'sleep 3600 & sleep 3600; : "$1"' ${token} {port}`, { waitMs: 300 });
  const started = performance.now();
  const run = await runClient(o);
  assertEquals(run.exit, null);
  assertEquals(run.overstay?.after, "it started");
  // Killed, not left to sleep its hour: a minute is a margin no load can eat.
  assert(performance.now() - started < 60_000, "killed soon after its time");
  assertEquals(withToken(token), []);
  assertEquals(o.transcript.events.find((e) => e.kind === "timeout")?.conn, "client");
});

Deno.test("runClient() keeps the last bytes of a client that writes megabytes, and notes it", async () => {
  const o = options("sh -c 'head -c 5000000 /dev/zero' {port}", { outputCap: 1000 });
  const run = await runClient(o);
  assertEquals(run.exit?.code, 0);
  assertEquals(run.stdout.bytes.length, 1000);
  assertEquals(run.stdout.dropped, 4_999_000);
  const stdout = o.transcript.events.find((e) => e.conn === "stdout")!;
  assertEquals(stdout.length, 1000);
  assertStringIncludes(stdout.detail!, "5000000 bytes in all");
});

Deno.test("runClient() throws a CaseError for a command that cannot run", async () => {
  await assertRejects(
    () => runClient(options("./no-such-client {host} {port}")),
    CaseError,
    'Cannot run the client: Cannot run "./no-such-client": no such file',
  );
});

Deno.test("runClient() kills the client when the case is aborted", async () => {
  const token = `sockspec-${crypto.randomUUID()}`;
  const stop = new AbortController();
  setTimeout(() => stop.abort(new Error("case deadline")), 200);
  await assertRejects(
    () => runClient(options(`sh -c 'sleep 3600; : "$1"' ${token} {port}`, { signal: stop.signal })),
    Error,
    "case deadline",
  );
  assertEquals(withToken(token), []);
});

Deno.test("runClient() does not count the wait while the server pauses on purpose", async () => {
  const clock = new ServerClock();
  let release = () => {};
  const pause = clock.hold(new Promise<void>((r) => release = r));
  // One second is more than the 300 ms wait; a paused server's time is not the client's.
  const run = await runClient(options("sh -c 'sleep 1; exit 4' {port}", { waitMs: 300, clock }));
  release();
  await pause;
  assertEquals(run.exit?.code, 4);
  assertEquals(run.overstay, null);
});

Deno.test("runClient() counts the wait from the server's last act, and says so", async () => {
  const clock = new ServerClock();
  let release = () => {};
  const pause = clock.hold(new Promise<void>((r) => release = r));
  const token = `sockspec-${crypto.randomUUID()}`;
  const o = options(`sh -c 'sleep 3600; : "$1"' ${token} {port}`, { waitMs: 300, clock });
  const running = runClient(o); // launched: it runs up to its first wait
  release();
  await pause;
  clock.mark("the server's last send");
  const run = await running;
  assertEquals(run.exit, null);
  assertEquals(run.overstay?.after, "the server's last send");
  const timeout = o.transcript.events.find((e) => e.kind === "timeout")!;
  assertStringIncludes(timeout.detail!, "after the server's last send");
  assertEquals(withToken(token), []);
});

import { assertEquals, assertRejects } from "@std/assert";
import { raceDeadline, sleep, TIMED_OUT } from "./_deadline.ts";

Deno.test("raceDeadline() times out a promise that does not settle, and rejects on abort", async () => {
  assertEquals(await raceDeadline(new Promise(() => {}), 10), TIMED_OUT);
  assertEquals(await raceDeadline(Promise.resolve(7), 10), 7);
  const abort = new AbortController();
  const raced = raceDeadline(new Promise(() => {}), 10_000, abort.signal);
  abort.abort(new Error("stopped"));
  await assertRejects(() => raced, Error, "stopped");
  await assertRejects(() => sleep(10_000, AbortSignal.abort(new Error("gone"))), Error, "gone");
});

Deno.test("raceDeadline() gives a reply that came while the event loop was busy past the deadline", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted = listener.accept();
  const client = await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
  const server = await accepted;
  try {
    for (let i = 0; i < 20; i++) {
      const read = server.read(new Uint8Array(64));
      const raced = raceDeadline(read, 20);
      await client.write(new Uint8Array(10));
      // Busy past the deadline: the 10 bytes are there before the loop gets to its timers.
      const until = performance.now() + 60;
      while (performance.now() < until) { /* the loop is held */ }
      assertEquals(await raced, 10, `read ${i}`);
    }
  } finally {
    client.close();
    server.close();
    listener.close();
  }
});

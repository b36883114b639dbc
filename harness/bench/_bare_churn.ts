/**
 * The bare-socket floor of `deno task bench:cost`: the connections `tcp.robustness.churn` makes,
 * made by a plain Deno loop with no sockspec code (no transcript, no deadlines): N cycles against
 * an echo server, each a connect and a close, every second one also a 16-byte request and its
 * reply. Prints one JSON line: the cycles, the wall time and the CPU time (user + system) of the
 * loop alone, Deno's start-up left out.
 *
 *     deno run --allow-all harness/bench/_bare_churn.ts 127.0.0.1 7777 1088
 *
 * @module
 */
import { readProcess } from "../program/mod.ts";

/** What the loop cost. */
export interface BareChurn {
  cycles: number;
  wallMs: number;
  /** CPU of this process during the loop; null without `/proc`. */
  cpuMs: number | null;
}

/**
 * Makes `cycles` connect/close cycles against the echo server at `hostname:port`, every second
 * one served a 16-byte request first, and measures them.
 *
 * @example
 * ```ts ignore
 * import { bareChurn } from "./_bare_churn.ts";
 * const cost = await bareChurn("127.0.0.1", 7777, 100);
 * console.log(cost.cpuMs);
 * ```
 */
export async function bareChurn(
  hostname: string,
  port: number,
  cycles: number,
): Promise<BareChurn> {
  const request = new Uint8Array(16).map((_, i) => 65 + i);
  const reply = new Uint8Array(16);
  const cpu0 = readProcess(Deno.pid)?.cpuMs ?? null;
  const started = performance.now();
  for (let i = 1; i <= cycles; i++) {
    const conn = await Deno.connect({ hostname, port });
    if (i % 2 === 0) {
      await conn.write(request);
      let got = 0;
      while (got < reply.length) {
        const n = await conn.read(reply.subarray(got));
        if (n === null) throw new Error(`Cycle ${i}: the server closed before its reply`);
        got += n;
      }
    }
    conn.close();
  }
  const wallMs = Math.round(performance.now() - started);
  const cpu1 = readProcess(Deno.pid)?.cpuMs ?? null;
  return { cycles, wallMs, cpuMs: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0 };
}

if (import.meta.main) {
  const [hostname, port, cycles] = Deno.args;
  console.log(JSON.stringify(await bareChurn(hostname, Number(port), Number(cycles))));
}

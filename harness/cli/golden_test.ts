/**
 * The golden test: what `conform` prints and writes, in every report format, for the reference
 * server and three mutants (one address, one `--exec` program, one `--client` program) with a
 * fixed seed, times, ports, process ids and temporary paths masked. It pins behaviour across
 * moves and merges: a change that alters any report shows up here as a diff.
 *
 * After a deliberate change to what reports say, rewrite the golden files with
 * `SOCKSPEC_GOLDEN=update deno test -A harness/cli/golden_test.ts` and read the diff.
 *
 * @module
 */
import { assertEquals } from "@std/assert";
import { compileC, findCompiler } from "../../fixtures/c/compile.ts";
import { serve } from "../../fixtures/references/serve.ts";
import { wrongBytes } from "../../fixtures/mutants/wrong_bytes.ts";
import { WRITERS } from "../../reports/mod.ts";
import { conform } from "./conform.ts";
import { PROFILES } from "../subject/profiles.ts";

const GOLDEN = new URL("./testdata/golden/", import.meta.url);
const ROOT = new URL("../../", import.meta.url).pathname;
const UPDATE = Deno.env.get("SOCKSPEC_GOLDEN") === "update";
const ignore = findCompiler() === null;
if (ignore) console.warn("golden: skipped, no C compiler (cc) on PATH");

/** The same digits in every run: times, durations, ports, pids, temporary paths. */
function mask(text: string, paths: readonly string[] = []): string {
  let out = text;
  for (const p of paths) out = out.replaceAll(p, "<path>");
  return out
    .replaceAll(ROOT, "<root>/")
    .replace(/\bpid \d+/g, "pid <n>")
    .replace(/\/tmp\/sockspec-[^\s/]+\/[^\s"'<]+/g, "<path>")
    .replace(/("?\w*Ms"?:\s*)[\d.]+/g, "$1<n>")
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?/g, "<time>")
    .replace(/(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1) \d{2,5}\b/g, "$1 <port>")
    .replace(/("t":\s*)[\d.]+/g, "$1<n>")
    .replace(/(<td class="t">)[\d.]+/g, "$1<n>")
    .replace(/\b(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\]):\d+/g, "$1:<port>")
    .replace(/(%3A|\bport[ =:"]+)\d{2,5}\b/gi, "$1<port>")
    .replace(
      /("?(?:durationMs|startedAt|at|atMs|elapsedMs|ms|time|pid|execution_time)"?:\s*)[\d.]+/g,
      "$1<n>",
    )
    // Ports: sockspec gives launched programs ports below the ephemeral range (from 16,767 on a default Linux range).
    .replace(/\b(1[6-9]|[2-6]\d)\d{3}\b/g, "<port>")
    .replace(/\b\d+(\.\d+)? ?(ms|s)\b/g, "<n> $2")
    .replace(/(time=")[\d.]+(")/g, "$1<n>$2")
    .replace(/\+[\d.]+(ms|s)\b/g, "+<n>$1")
    .replace(/ +<n> (ms|s)\b/g, " <n> $1");
}

/** Runs conform with every report format and returns each output, masked, by name. */
async function outputs(args: string[], paths: string[] = []): Promise<Map<string, string>> {
  const dir = await Deno.makeTempDir({ prefix: "sockspec-golden-" });
  try {
    const console: string[] = [];
    const io = { out: (l: string) => console.push(l), err: (l: string) => console.push(l) };
    const formats = Object.keys(WRITERS);
    const code = await conform(
      [...args, "--seed", "7", ...formats.map((f) => `--report=${f}:${dir}/report.${f}`)],
      { io, color: false, env: () => undefined },
    );
    const out = new Map<string, string>();
    out.set("console.txt", mask([`exit ${code}`, ...console].join("\n") + "\n", [dir, ...paths]));
    for (const f of formats) {
      out.set(`${f}.txt`, mask(await Deno.readTextFile(`${dir}/report.${f}`), [dir, ...paths]));
    }
    return out;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Compares (or, with SOCKSPEC_GOLDEN=update, writes) one subject's outputs. */
async function check(name: string, got: Map<string, string>): Promise<void> {
  for (const [file, text] of got) {
    const url = new URL(`${name}/${file}`, GOLDEN);
    if (UPDATE) {
      await Deno.mkdir(new URL(`${name}/`, GOLDEN), { recursive: true });
      await Deno.writeTextFile(url, text);
      continue;
    }
    assertEquals(text, await Deno.readTextFile(url), `${name}/${file} differs from the golden`);
  }
}

Deno.test({
  name: "conform writes the same reports for the echo reference server, seed 7",
  async fn() {
    await using served = serve(PROFILES.echo.reference!);
    const got = await outputs([
      "--target",
      served.targets.tcp!.url,
      "--profile",
      "echo",
      "--concurrency",
      "1",
      "--only",
      "tcp.basic",
    ]);
    await check("reference", got);
  },
});

Deno.test({
  name: "conform writes the same reports for an address mutant that echoes wrong bytes",
  async fn() {
    await using served = await wrongBytes.start();
    const got = await outputs([
      "--target",
      served.targets.tcp!.url,
      "--profile",
      "echo",
      "--concurrency",
      "1",
      "--only",
      "tcp.basic",
    ]);
    await check("address", got);
  },
});

Deno.test({
  name: "conform --exec writes the same reports for a program that aborts on garbage",
  ignore,
  async fn() {
    const path = await compileC("exec/abort_on_garbage");
    const got = await outputs([
      "--exec",
      `${path} {tcp}`,
      "--profile",
      "echo",
      "--concurrency",
      "1",
      "--only",
      "tcp.basic.single-request",
      "--only",
      "tcp.robustness.garbage",
    ], [path]);
    await check("exec", got);
  },
});

Deno.test({
  name: "conform --client writes the same reports for a client that exits 0 on a cut reply",
  ignore,
  async fn() {
    const path = await compileC("clients/no_exit_status");
    const got = await outputs([
      "--client",
      `${path} {host} {port}`,
      "--profile",
      "echo",
      "--concurrency",
      "1",
      "--only",
      "client.tcp.early-close",
      "--only",
      "client.tcp.byte-segments",
    ], [path]);
    await check("client", got);
  },
});

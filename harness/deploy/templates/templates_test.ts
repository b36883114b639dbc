/**
 * The templates people copy (GitHub Actions workflows, a Kubernetes Indexed Job) parse, and call
 * the installed command the README gives, from the published package, with no clone of sockspec:
 * `npx -y deno@VERSION run -A jsr:@sockspec/sockspec@PKG/cli conform|grade` with the README's
 * Deno version, this package's name and version, its command entry, and only flags the
 * subcommand's `--help` lists.
 *
 * @module
 */
import { assert, assertEquals } from "@std/assert";
import { parse, parseAll } from "@std/yaml";
import config from "../../../deno.json" with { type: "json" };
import { conform } from "../../cli/conform.ts";
import { grade } from "../../cli/grade.ts";
import { SUBCOMMANDS } from "../../package/sockspec.ts";

const HERE = new URL(".", import.meta.url);
const read = (name: string) => Deno.readTextFileSync(new URL(name, HERE));

/** The Deno version of the README's `npx -y deno@VERSION task …` lines. */
const README_DENO = /npx -y deno@(\S+) task/.exec(read("../../../README.md"))![1];

/** Each command's `--help` text. */
async function usage(command: "conform" | "grade"): Promise<string> {
  const lines: string[] = [];
  const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
  const run = command === "conform" ? conform : grade;
  assertEquals(await run(["--help"], { io }), 0);
  return lines.join("\n");
}

/** A sockspec command line found in a template. */
interface Call {
  version: string;
  /** `@scope/name@version/entry` of the package it runs. */
  pkg: string;
  task: string;
  args: string[];
}

/** Every `npx -y deno@… run -A jsr:…/cli SUBCOMMAND …` call in a shell script. */
function callsIn(script: string): Call[] {
  const text = script.replace(/\\\n\s*/g, " ");
  const calls: Call[] = [];
  for (const m of text.matchAll(/npx -y deno@(\S+) run -A jsr:(\S+) (\S+)([^\n|;&]*)/g)) {
    const args = m[4].trim().split(/\s+/).filter(Boolean);
    calls.push({ version: m[1], pkg: m[2], task: m[3], args });
  }
  return calls;
}

/** Every string in a parsed YAML value, depth first. */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}

/** Checks each call against the README and the command's usage; returns them. */
async function checkCalls(where: string, scripts: string[]): Promise<Call[]> {
  const calls = scripts.flatMap(callsIn);
  assert(calls.length > 0, `${where} calls sockspec`);
  for (const call of calls) {
    assertEquals(call.version, README_DENO, `${where}: the README's Deno version`);
    assertEquals(
      call.pkg,
      `${config.name}@${config.version}/cli`,
      `${where}: this package's entry`,
    );
    assert(`./cli` in config.exports, `${where}: the package exports its command`);
    assert(call.task in SUBCOMMANDS, `${where}: sockspec ${call.task} exists`);
    assert(call.task === "conform" || call.task === "grade", `${where}: ${call.task}`);
    const help = await usage(call.task as "conform" | "grade");
    for (const flag of call.args.filter((a) => a.startsWith("--"))) {
      assert(help.includes(flag.split("=")[0]), `${where}: ${call.task} has ${flag}`);
    }
  }
  return calls;
}

/** A workflow's jobs, checked for the shape GitHub Actions needs. */
function workflowJobs(name: string): Record<string, Record<string, unknown>> {
  const workflow = parse(read(name)) as Record<string, unknown>;
  assert(workflow.on, `${name} has triggers`);
  const jobs = workflow.jobs as Record<string, Record<string, unknown>>;
  for (const [id, job] of Object.entries(jobs)) {
    assert(job["runs-on"], `${name}: job ${id} has runs-on`);
    assert(Array.isArray(job.steps) && job.steps.length > 0, `${name}: job ${id} has steps`);
    for (const step of job.steps as Record<string, unknown>[]) {
      assert(step.uses || step.run, `${name}: every step of ${id} uses an action or runs`);
    }
  }
  return jobs;
}

Deno.test("no template clones sockspec: each runs the published command", () => {
  for (const name of Deno.readDirSync(HERE)) {
    if (!/\.ya?ml$/.test(name.name)) continue;
    const text = read(name.name);
    assert(!/git clone|repository: \S+\/sockspec|sockspec\.git/.test(text), `${name.name} clones`);
    assert(callsIn(text).length > 0, `${name.name} runs sockspec`);
  }
});

const runs = (job: Record<string, unknown>) =>
  (job.steps as { run?: string }[]).flatMap((s) => s.run ? [s.run] : []);

Deno.test("the CI gate workflow runs conform with a JUnit report and keeps it", async () => {
  const jobs = workflowJobs("github-conformance-gate.yml");
  const [call] = await checkCalls("the gate", Object.values(jobs).flatMap(runs));
  assertEquals(call.task, "conform");
  assert(call.args.some((a) => a.startsWith("junit:")), "a JUnit report");
  const uses = Object.values(jobs).flatMap((j) =>
    (j.steps as { uses?: string }[]).map((s) => s.uses)
  );
  assert(uses.some((u) => u?.startsWith("actions/upload-artifact")), "the JUnit report is kept");
});

Deno.test("the matrix workflow grades one shard per job and merges them in a last job", async () => {
  const name = "github-grade-shards.yml";
  const jobs = workflowJobs(name);
  const workflow = parse(read(name)) as { env: { SHARDS: number } };
  const matrix = (jobs.grade.strategy as { matrix: { shard: number[] } }).matrix.shard;
  assertEquals(
    matrix,
    Array.from({ length: workflow.env.SHARDS }, (_, i) => i + 1),
    "one job per shard, 1..SHARDS",
  );
  const [shard] = await checkCalls(`${name} grade`, runs(jobs.grade));
  assert(shard.args.includes("--shard"), "each job grades its shard");
  assertEquals(jobs.merge.needs, "grade");
  assertEquals(jobs.merge.if, "always()", "the merge runs when a shard fails, and says so");
  const [merge] = await checkCalls(`${name} merge`, runs(jobs.merge));
  assert(merge.args.includes("--merge"), "the last job merges");
});

Deno.test("the Kubernetes manifest is an Indexed Job of N shards and a merge Job", async () => {
  const name = "k8s-grade-indexed-job.yaml";
  const docs = parseAll(read(name)) as Record<string, unknown>[];
  const jobs = docs.filter((d) => d.kind === "Job") as {
    metadata: { name: string };
    spec: Record<string, unknown> & { template: unknown };
  }[];
  assertEquals(jobs.length, 2);
  const [indexed, merge] = jobs;
  assertEquals(indexed.spec.completionMode, "Indexed");
  const [shard] = await checkCalls(`${name} grade`, strings(indexed.spec.template));
  const count = Number(shard.args[shard.args.indexOf("--shard-count") + 1]);
  assertEquals(count, indexed.spec.completions, "--shard-count N is the Job's completions");
  const [merged] = await checkCalls(`${name} merge`, strings(merge.spec.template));
  assert(merged.args.includes("--merge"));
  assert(docs.some((d) => d.kind === "PersistentVolumeClaim"), "a volume the shards share");
});

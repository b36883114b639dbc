/**
 * Keeps the import graph one-way, as denoland/std checks its own package graph. The layers, from
 * the bottom:
 *
 * 1. the engine: `harness/*.ts`, `harness/program/` (launching and watching processes) and
 *    `harness/client/` (running a client under test, sockspec's own peers); it imports nothing
 *    above it;
 * 2. `suites/`, `fixtures/` and `reports/`: each builds only on the engine, through its public API
 *    `harness/mod.ts`, and on itself;
 * 3. the subjects, `harness/subject/`: what a run tests and the one function that runs it;
 * 4. grading, `harness/grade/`: rosters, shards, gradebook rows;
 * 5. the commands, `harness/cli/`;
 * 6. the package surface, `harness/package/`;
 * 7. benchmarks and deployment, `harness/bench/` and `harness/deploy/`.
 *
 * A layer from 3 up may import any layer below it, never one above; product code never imports a
 * test or a test helper (`*_test.ts`, `_test_utils.ts`); no module imports another that imports it
 * back, type-only imports included.
 *
 * @module
 */
import { assertEquals, assertStringIncludes } from "@std/assert";
import { dirname, join, relative, resolve } from "node:path";

const ROOT = resolve(new URL("..", import.meta.url).pathname);

/** A folder's layer. */
type Layer =
  | "engine"
  | "suites"
  | "fixtures"
  | "reports"
  | "subject"
  | "grade"
  | "cli"
  | "package"
  | "bench"
  | "deploy"
  | "test";

/** Each layer's height: a layer may import only layers lower than itself (and itself). */
const HEIGHT: Readonly<Record<Exclude<Layer, "test">, number>> = {
  engine: 0,
  suites: 1,
  fixtures: 1,
  reports: 1,
  subject: 2,
  grade: 3,
  cli: 4,
  package: 5,
  bench: 6,
  deploy: 6,
};

/** The layer a project file belongs to. */
export function layerOf(file: string): Layer {
  if (/(_test\.ts|_test_utils\.ts)$/.test(file)) return "test";
  const sub = /^harness\/(subject|grade|cli|package|bench|deploy)\//.exec(file);
  if (sub) return sub[1] as Layer;
  if (file.startsWith("harness/")) return "engine";
  return file.split("/")[0] as Layer;
}

/** Source text with comments and string contents other than import specifiers blanked out. */
function stripComments(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === "/" && next === "/") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (c === "/" && next === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (c === '"' || c === "'" || c === "`") {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === "\\" ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** The relative modules a file imports or re-exports, type-only and dynamic imports included. */
export function importsOf(text: string): string[] {
  const code = stripComments(text);
  const found = new Set<string>();
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])(\.{1,2}\/[^"']+)\1/g;
  for (const m of code.matchAll(re)) found.add(m[2]);
  return [...found];
}

/** Every `.ts` file of the project, relative to the root. */
function projectFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of Deno.readDirSync(join(ROOT, dir))) {
      const path = dir ? `${dir}/${e.name}` : e.name;
      if (e.name.startsWith(".") || e.name === "node_modules") continue;
      if (e.isDirectory) walk(path);
      else if (e.name.endsWith(".ts")) out.push(path);
    }
  };
  for (const top of ["harness", "suites", "fixtures", "reports"]) walk(top);
  return out.sort();
}

/** The import graph: file → the project files it imports. */
export type Graph = Map<string, string[]>;

function readGraph(): Graph {
  const graph: Graph = new Map();
  for (const file of projectFiles()) {
    const text = Deno.readTextFileSync(join(ROOT, file));
    graph.set(
      file,
      importsOf(text).filter((s) => s.endsWith(".ts")).map((s) =>
        relative(ROOT, resolve(ROOT, dirname(file), s))
      ),
    );
  }
  return graph;
}

/** Says why `from` may not import `to`, or null when it may. */
export function wrongWay(from: string, to: string): string | null {
  const a = layerOf(from);
  const b = layerOf(to);
  if (a === "test") return null;
  if (b === "test") return "product code imports a test or test helper";
  if (a === b) return null;
  if (a === "engine") return `the engine imports ${b}`;
  if (HEIGHT[a] === 1) {
    // suites, fixtures, reports
    if (b === "engine") {
      return to === "harness/mod.ts" ? null : "goes around the engine's public API harness/mod.ts";
    }
    return `${a} imports ${b}`;
  }
  if (HEIGHT[b] < HEIGHT[a]) return null;
  // bench and deployment sit side by side at the top: neither imports the other.
  return `${a} imports ${b}, a layer above or beside it`;
}

/** Every import that runs the wrong way, as "FROM → TO: why". */
export function wrongWayImports(graph: Graph): string[] {
  const found: string[] = [];
  for (const [from, tos] of graph) {
    for (const to of tos) {
      const why = wrongWay(from, to);
      if (why) found.push(`${from} → ${to}: ${why}`);
    }
  }
  return found;
}

/** Every import cycle, each as "A → B → … → A" (each cycle once). */
export function cycles(graph: Graph): string[] {
  const found = new Set<string>();
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, "open");
    stack.push(file);
    for (const to of graph.get(file) ?? []) {
      if (state.get(to) === "open") {
        const loop = stack.slice(stack.indexOf(to));
        const start = loop.indexOf([...loop].sort()[0]);
        const canonical = [...loop.slice(start), ...loop.slice(0, start)];
        found.add([...canonical, canonical[0]].join(" → "));
      } else if (!state.has(to) && graph.has(to)) {
        visit(to);
      }
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return [...found];
}

Deno.test("the import graph has no cycle, type-only imports included", () => {
  assertEquals(cycles(readGraph()), []);
});

Deno.test("every import runs one way: engine ← suites, fixtures, reports ← subjects ← grading ← commands ← package ← benchmarks, deployment", () => {
  assertEquals(wrongWayImports(readGraph()), []);
});

Deno.test("the layering check names both files of a cycle and of a wrong-way import", () => {
  const graph: Graph = new Map([
    ["harness/case.ts", ["harness/profile.ts"]],
    ["harness/profile.ts", ["harness/case.ts", "fixtures/tcp_server.ts"]],
    ["fixtures/tcp_server.ts", ["harness/target.ts"]],
    ["reports/html.ts", ["suites/mod.ts", "harness/mod.ts"]],
    ["harness/cli/grade.ts", ["suites/mod.ts", "reports/mod.ts", "harness/runner.ts"]],
    ["suites/x_test.ts", ["harness/cli/grade.ts"]],
    ["harness/cli/serve.ts", ["harness/cli/_test_utils.ts"]],
  ]);
  assertEquals(cycles(graph), ["harness/case.ts → harness/profile.ts → harness/case.ts"]);
  const wrong = wrongWayImports(graph).join("\n");
  assertStringIncludes(wrong, "harness/profile.ts → fixtures/tcp_server.ts: the engine imports");
  assertStringIncludes(wrong, "fixtures/tcp_server.ts → harness/target.ts: goes around");
  assertStringIncludes(wrong, "reports/html.ts → suites/mod.ts: reports imports suites");
  assertStringIncludes(wrong, "harness/cli/serve.ts → harness/cli/_test_utils.ts: product code");
  assertEquals(wrong.split("\n").length, 4);
});

Deno.test("the layering check fails on a reintroduced wrong-way import between the new layers", () => {
  const graph: Graph = new Map([
    // allowed: downwards
    ["harness/subject/run.ts", ["harness/runner.ts", "suites/mod.ts", "reports/mod.ts"]],
    ["harness/grade/student.ts", ["harness/subject/run.ts"]],
    ["harness/cli/grade.ts", ["harness/grade/student.ts", "harness/subject/registry.ts"]],
    ["harness/package/testing.ts", ["harness/subject/run.ts"]],
    ["harness/bench/grade_bench.ts", ["harness/cli/grade.ts"]],
    // wrong: upwards or sideways
    ["harness/client/run.ts", ["harness/subject/run.ts"]],
    ["harness/subject/registry.ts", ["harness/grade/roster.ts"]],
    ["harness/grade/row.ts", ["harness/cli/args.ts"]],
    ["harness/cli/conform.ts", ["harness/package/mod.ts"]],
    ["harness/deploy/x.ts", ["harness/bench/grade_bench.ts"]],
    ["reports/json.ts", ["harness/subject/subject.ts"]],
  ]);
  assertEquals(wrongWayImports(graph), [
    "harness/client/run.ts → harness/subject/run.ts: the engine imports subject",
    "harness/subject/registry.ts → harness/grade/roster.ts: subject imports grade, a layer above or beside it",
    "harness/grade/row.ts → harness/cli/args.ts: grade imports cli, a layer above or beside it",
    "harness/cli/conform.ts → harness/package/mod.ts: cli imports package, a layer above or beside it",
    "harness/deploy/x.ts → harness/bench/grade_bench.ts: deploy imports bench, a layer above or beside it",
    "reports/json.ts → harness/subject/subject.ts: reports imports subject",
  ]);
});

Deno.test("importsOf() reads type-only, re-exported and dynamic imports, not doc examples", () => {
  const text = [
    "/** @example",
    ' * import { x } from "./doc_only.ts";',
    " */",
    'import type { A } from "./a.ts";',
    'export { b } from "../b.ts";',
    'const url = "tcp://x"; // import "./not.ts"',
    'const m = await import("./c.ts");',
    'import "./side.ts";',
  ].join("\n");
  assertEquals(importsOf(text), ["./a.ts", "../b.ts", "./c.ts", "./side.ts"]);
});

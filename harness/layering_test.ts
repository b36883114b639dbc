/**
 * Keeps the import graph one-way, as denoland/std checks its own package graph:
 *
 * - the engine (`harness/`, not `harness/cli/`) imports nothing from `suites/`, `fixtures/`,
 *   `reports/` or the applications;
 * - `suites/`, `fixtures/` and `reports/` each build only on the engine, through its public API
 *   `harness/mod.ts`, and on themselves;
 * - the applications (`harness/cli/`) sit on top and may import everything;
 * - product code never imports a test or a test helper (`*_test.ts`, `_test_utils.ts`);
 * - no module imports another that imports it back, type-only imports included.
 *
 * @module
 */
import { assertEquals, assertStringIncludes } from "@std/assert";
import { dirname, join, relative, resolve } from "node:path";

const ROOT = resolve(new URL("..", import.meta.url).pathname);

/** A folder's layer. */
type Layer = "engine" | "suites" | "fixtures" | "reports" | "cli" | "test";

function layerOf(file: string): Layer {
  if (/(_test\.ts|_test_utils\.ts)$/.test(file)) return "test";
  if (/^harness\/(cli|subject|grade|bench|package|deploy)\//.test(file)) return "cli";
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
  if (a === "cli") return null;
  if (a === "engine") {
    return b === "engine" ? null : `the engine imports ${b === "cli" ? "an application" : b}`;
  }
  // suites, fixtures, reports
  if (b === a) return null;
  if (b === "engine") {
    return to === "harness/mod.ts" ? null : "goes around the engine's public API harness/mod.ts";
  }
  return `${a} imports ${b === "cli" ? "an application" : b}`;
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

Deno.test("every import runs one way: engine ← suites, fixtures, reports ← applications", () => {
  assertEquals(wrongWayImports(readGraph()), []);
});

Deno.test("the layering check names both files of a cycle and of a wrong-way import", () => {
  const graph: Graph = new Map([
    ["harness/case.ts", ["harness/profile.ts"]],
    ["harness/profile.ts", ["harness/case.ts", "fixtures/references/tcp_server.ts"]],
    ["fixtures/references/tcp_server.ts", ["harness/target.ts"]],
    ["reports/html.ts", ["suites/mod.ts", "harness/mod.ts"]],
    ["harness/cli/grade.ts", ["suites/mod.ts", "reports/mod.ts", "harness/runner.ts"]],
    ["suites/x_test.ts", ["harness/cli/grade.ts"]],
    ["harness/cli/serve.ts", ["harness/cli/_test_utils.ts"]],
  ]);
  assertEquals(cycles(graph), ["harness/case.ts → harness/profile.ts → harness/case.ts"]);
  const wrong = wrongWayImports(graph).join("\n");
  assertStringIncludes(
    wrong,
    "harness/profile.ts → fixtures/references/tcp_server.ts: the engine imports",
  );
  assertStringIncludes(wrong, "fixtures/references/tcp_server.ts → harness/target.ts: goes around");
  assertStringIncludes(wrong, "reports/html.ts → suites/mod.ts: reports imports suites");
  assertStringIncludes(wrong, "harness/cli/serve.ts → harness/cli/_test_utils.ts: product code");
  assertEquals(wrong.split("\n").length, 4);
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

/**
 * Rubrics: how many points each case is worth, who sees it on Gradescope, and which groups count.
 * A rubric is a JSON or TOML file; {@linkcode DEFAULT_RUBRIC} ships in `reports/rubric.default.json`.
 *
 * ```toml
 * points = 1                 # each case, unless a group or case says otherwise
 * warn = 0.5                 # a warn earns this fraction of the case's points
 * visibility = "visible"     # visible | hidden | after_due_date | after_published
 * count = ["tcp", "udp"]     # id prefixes that count (leave out: every case counts)
 *
 * [groups."tcp.basic"]
 * total = 10                 # the group's cases share 10 points equally
 *
 * [groups."tcp.robustness"]
 * points = 2
 * visibility = "after_due_date"
 *
 * [cases."tcp.basic.connect"]
 * points = 3
 * visibility = "hidden"
 * ```
 *
 * @module
 */
import { parse as parseToml } from "@std/toml";
import defaultRubric from "./rubric.default.json" with { type: "json" };
import {
  errorText,
  groupOf,
  matchesPrefix,
  type Outcome,
  type RunReport,
  UsageError,
} from "../harness/mod.ts";

/** Who sees a test on Gradescope, and when. */
export type Visibility = "visible" | "hidden" | "after_due_date" | "after_published";

/** Every {@linkcode Visibility}. */
export const VISIBILITIES: readonly Visibility[] = [
  "visible",
  "hidden",
  "after_due_date",
  "after_published",
];

/** What a group (an id prefix) or one case is worth. Unset fields come from the enclosing rule. */
export interface RubricRule {
  /** Points each of its cases is worth. */
  points?: number;
  /** Groups only: points its cases share equally (instead of `points` each). */
  total?: number;
  visibility?: Visibility;
  /** The fraction of a case's points a `warn` earns, 0 to 1. */
  warn?: number;
}

/** A whole rubric. */
export interface Rubric {
  /** One line saying what the rubric is for. */
  description?: string;
  /** Points each case is worth unless a group or case rule says otherwise. */
  points: number;
  /** The fraction of a case's points a `warn` earns, 0 to 1. */
  warn: number;
  visibility: Visibility;
  /** Id prefixes that count (`tcp`, `udp.basic`); empty: every case counts. */
  count: string[];
  /** Rules by id prefix; the longest prefix that sets a field wins. */
  groups: Record<string, RubricRule>;
  /** Rules by exact case id; they win over every group rule. */
  cases: Record<string, RubricRule>;
}

/** What one counted case earned. */
export interface CaseScore {
  id: string;
  title: string;
  group: string;
  outcome: Outcome;
  /** Points earned. */
  score: number;
  /** Points it is worth. */
  max: number;
  visibility: Visibility;
}

/** What a run earned under a rubric. */
export interface ScoreSheet {
  score: number;
  max: number;
  /** The counted cases, in report order; skipped cases are left out. */
  cases: CaseScore[];
  /** Points by group (a case id without its last part), groups in report order. */
  groups: Record<string, { score: number; max: number }>;
}

/**
 * Whether the rubric counts the case `id`: every case when `count` is empty, else those under one
 * of its prefixes.
 *
 * @example
 * ```ts
 * import { countsCase, DEFAULT_RUBRIC } from "./rubric.ts";
 * countsCase({ ...DEFAULT_RUBRIC, count: ["tcp"] }, "udp.basic.echo"); // false
 * ```
 */
export function countsCase(rubric: Rubric, id: string): boolean {
  return rubric.count.length === 0 || rubric.count.some((p) => matchesPrefix(id, p));
}

/**
 * Scores a finished run. A `pass` or `info` earns a case's points, a `warn` the rubric's fraction
 * of them, `fail`, `error`, `flaky` and `skip` nothing. Which cases count: those the rubric counts
 * and, when `graded` is given, only the cases in it (a skip among them scores 0: `grade` passes the
 * cases the profile's reference server does not skip, so every student of a profile has the same
 * maximum); without `graded`, every case but the skipped ones. Points are kept in hundredths, so
 * the cases' scores add up to the total exactly.
 *
 * @example
 * ```ts
 * import { makeTarget, runCases } from "../harness/mod.ts";
 * import { DEFAULT_RUBRIC, scoreReport } from "./rubric.ts";
 * const report = await runCases([{
 *   id: "demo.pass",
 *   title: "Passes",
 *   requirement: "Nothing",
 *   appliesTo: { transport: "any" },
 *   run: async () => {},
 * }], {
 *   targets: { tcp: makeTarget("tcp", "127.0.0.1", 9) },
 *   profile: { name: "echo", description: "", transports: ["tcp"], framing: { kind: "stream" } },
 *   seed: 1,
 * });
 * const sheet = scoreReport(report, DEFAULT_RUBRIC);
 * console.log(sheet.score <= sheet.max); // true
 * ```
 */
export function scoreReport(
  report: RunReport,
  rubric: Rubric,
  graded?: ReadonlySet<string>,
): ScoreSheet {
  const counted = report.cases.filter((c) =>
    countsCase(rubric, c.id) && (graded ? graded.has(c.id) : c.outcome !== "skip")
  );
  const rules = counted.map((c) => resolve(rubric, c.id));
  // Cents per case: fixed points, or an equal share of the group's total.
  const cents = rules.map((r) => r.fixed ?? 0);
  const pools = new Map<string, number[]>();
  rules.forEach((r, i) => {
    if (r.pool === undefined) return;
    const list = pools.get(r.pool) ?? [];
    list.push(i);
    pools.set(r.pool, list);
  });
  for (const [group, members] of pools) {
    const total = toCents(rubric.groups[group].total!);
    const share = Math.floor(total / members.length);
    members.forEach((i, k) => cents[i] = share + (k < total - share * members.length ? 1 : 0));
  }
  const cases: CaseScore[] = counted.map((c, i) => {
    const max = cents[i];
    const earned = c.outcome === "pass" || c.outcome === "info"
      ? max
      : c.outcome === "warn"
      ? Math.round(max * rules[i].warn)
      : 0;
    return {
      id: c.id,
      title: c.title,
      group: groupOf(c.id),
      outcome: c.outcome,
      score: earned / 100,
      max: max / 100,
      visibility: rules[i].visibility,
    };
  });
  const groups: ScoreSheet["groups"] = {};
  let score = 0;
  let max = 0;
  cases.forEach((c, i) => {
    const g = groups[c.group] ??= { score: 0, max: 0 };
    g.score = (toCents(g.score) + Math.round(c.score * 100)) / 100;
    g.max = (toCents(g.max) + cents[i]) / 100;
    score += Math.round(c.score * 100);
    max += cents[i];
  });
  return { score: score / 100, max: max / 100, cases, groups };
}

function toCents(points: number): number {
  return Math.round(points * 100);
}

interface Resolved {
  /** Fixed points in cents, when a `points` rule decides. */
  fixed?: number;
  /** The group whose `total` decides, when one does. */
  pool?: string;
  visibility: Visibility;
  warn: number;
}

/** The rule fields a case ends up with: top level, then groups shortest first, then the case. */
function resolve(rubric: Rubric, id: string): Resolved {
  const out: Resolved = {
    fixed: toCents(rubric.points),
    visibility: rubric.visibility,
    warn: rubric.warn,
  };
  const groups = Object.keys(rubric.groups).filter((g) => matchesPrefix(id, g))
    .sort((a, b) => a.length - b.length);
  const rules = [...groups.map((g) => [g, rubric.groups[g]] as const)];
  if (rubric.cases[id]) rules.push([id, rubric.cases[id]]);
  for (const [key, rule] of rules) {
    if (rule.points !== undefined) {
      out.fixed = toCents(rule.points);
      out.pool = undefined;
    }
    if (rule.total !== undefined) {
      out.fixed = undefined;
      out.pool = key;
    }
    if (rule.visibility !== undefined) out.visibility = rule.visibility;
    if (rule.warn !== undefined) out.warn = rule.warn;
  }
  return out;
}

const TOP_KEYS = ["description", "points", "warn", "visibility", "count", "groups", "cases"];
const GROUP_KEYS = ["points", "total", "visibility", "warn"];
const CASE_KEYS = ["points", "visibility", "warn"];

/**
 * Checks a parsed rubric file and fills in defaults (1 point, warn 0.5, visible, every case
 * counts).
 *
 * @param value The parsed JSON or TOML.
 * @param source Where it came from, for messages.
 * @throws {UsageError} naming the first field that is wrong.
 * @example
 * ```ts
 * import { parseRubric } from "./rubric.ts";
 * const r = parseRubric({ groups: { "tcp.basic": { total: 10 } } }, "inline");
 * ```
 */
export function parseRubric(value: unknown, source: string): Rubric {
  const bad = (where: string, why: string) => new UsageError(`Rubric "${source}": ${where} ${why}`);
  if (!isObject(value)) throw bad("the file", "is not a table of settings");
  unknownKeys(value, TOP_KEYS, "", bad);
  const rubric: Rubric = {
    points: number(value.points, "points", 1, Infinity, bad) ?? 1,
    warn: number(value.warn, "warn", 0, 1, bad) ?? 0.5,
    visibility: visibility(value.visibility, "visibility", bad) ?? "visible",
    count: [],
    groups: {},
    cases: {},
  };
  if (value.description !== undefined) {
    if (typeof value.description !== "string") throw bad("description", "must be text");
    rubric.description = value.description;
  }
  if (value.count !== undefined) {
    if (!Array.isArray(value.count) || !value.count.every((p) => typeof p === "string" && p)) {
      throw bad("count", 'must be a list of id prefixes, e.g. ["tcp", "udp.basic"]');
    }
    rubric.count = [...value.count];
  }
  for (const [field, keys] of [["groups", GROUP_KEYS], ["cases", CASE_KEYS]] as const) {
    const table = value[field];
    if (table === undefined) continue;
    if (!isObject(table)) throw bad(field, "must be a table keyed by id");
    for (const [key, raw] of Object.entries(table)) {
      const where = `${field}."${key}"`;
      if (!isObject(raw)) throw bad(where, "must be a table of settings");
      unknownKeys(raw, keys, `${where}.`, bad);
      const rule: RubricRule = {};
      const points = number(raw.points, `${where}.points`, 0, Infinity, bad);
      const total = number(raw.total, `${where}.total`, 0, Infinity, bad);
      if (points !== undefined && total !== undefined) {
        throw bad(where, "sets both points and total: give one");
      }
      if (points !== undefined) rule.points = points;
      if (total !== undefined) rule.total = total;
      const vis = visibility(raw.visibility, `${where}.visibility`, bad);
      if (vis !== undefined) rule.visibility = vis;
      const warn = number(raw.warn, `${where}.warn`, 0, 1, bad);
      if (warn !== undefined) rule.warn = warn;
      rubric[field][key] = rule;
    }
  }
  return rubric;
}

type Bad = (where: string, why: string) => UsageError;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function unknownKeys(o: Record<string, unknown>, known: readonly string[], at: string, bad: Bad) {
  for (const k of Object.keys(o)) {
    if (!known.includes(k)) {
      throw bad(`${at}${k}`, `is not a rubric setting (expected ${known.join(", ")})`);
    }
  }
}

function number(v: unknown, where: string, min: number, max: number, bad: Bad) {
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max) {
    throw bad(
      where,
      `must be a number ${max === Infinity ? `of at least ${min}` : `from ${min} to ${max}`}, got ${
        JSON.stringify(v)
      }`,
    );
  }
  return v;
}

function visibility(v: unknown, where: string, bad: Bad): Visibility | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "string" || !VISIBILITIES.includes(v as Visibility)) {
    throw bad(where, `must be one of ${VISIBILITIES.join(", ")}, got ${JSON.stringify(v)}`);
  }
  return v as Visibility;
}

/**
 * Parses rubric text as JSON (`.json`) or TOML (`.toml`).
 *
 * @throws {UsageError} for a syntax error or a wrong field.
 */
export function parseRubricText(text: string, source: string): Rubric {
  const toml = source.toLowerCase().endsWith(".toml");
  let value: unknown;
  try {
    value = toml ? parseToml(text) : JSON.parse(text);
  } catch (e) {
    throw new UsageError(
      `Cannot parse rubric "${source}" as ${toml ? "TOML" : "JSON"}: ${errorText(e)}`,
      { cause: e },
    );
  }
  return parseRubric(value, source);
}

/**
 * Reads a rubric file: JSON, or TOML when the name ends in `.toml`.
 *
 * @throws {UsageError} when it cannot be read or parsed.
 * @example
 * ```ts
 * import { loadRubric } from "./rubric.ts";
 * // const rubric = await loadRubric("course/rubric.toml");
 * ```
 */
export async function loadRubric(path: string): Promise<Rubric> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new UsageError(`Cannot read rubric "${path}": ${errorText(e)}`, { cause: e });
  }
  return parseRubricText(text, path);
}

/**
 * Checks that every group and case a rubric names matches a case id, so a typo does not silently
 * score nothing.
 *
 * @throws {UsageError} naming the first key that matches no case.
 */
export function checkRubricIds(rubric: Rubric, ids: readonly string[], source: string): void {
  for (const key of [...rubric.count, ...Object.keys(rubric.groups)]) {
    if (!ids.some((id) => matchesPrefix(id, key))) {
      throw new UsageError(`Rubric "${source}": "${key}" matches no case id (see --list)`);
    }
  }
  for (const key of Object.keys(rubric.cases)) {
    if (!ids.includes(key)) {
      throw new UsageError(`Rubric "${source}": case "${key}" does not exist (see --list)`);
    }
  }
}

/** The rubric that ships: `reports/rubric.default.json`. */
export const DEFAULT_RUBRIC: Rubric = parseRubric(defaultRubric, "reports/rubric.default.json");

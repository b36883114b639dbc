/**
 * Where things are in a TOML protocol file: the line of every key, scenario and step, so that a
 * problem the checker finds can name `file:line`. The std parser gives values, not places.
 *
 * Places are dotted paths: `name`, `framing`, `placeholders.key`, `scenario.0`,
 * `scenario.0.steps.2`, `scenario.0.steps.2.expect`.
 *
 * @module
 */

/**
 * Maps places to 1-based lines. A place not found falls back to its nearest enclosing place.
 *
 * @example
 * ```ts
 * import { locate } from "./_locate.ts";
 * const at = locate('name = "kv"\n[[scenario]]\nsteps = [\n  { open = "a" },\n]\n');
 * at("scenario.0.steps.0.open"); // 4
 * ```
 */
export function locate(text: string): (place: string) => number {
  const lines = new Map<string, number>();
  let table = "";
  let scenario = -1;
  let depth = 0;
  let steps: { base: string; index: number } | null = null;
  let str: string | null = null; // the quote that opened the string we are in
  const src = text.split("\n");
  for (let ln = 0; ln < src.length; ln++) {
    const line = src[ln];
    let i = 0;
    if (str === null && depth === 0) {
      const header = /^\s*\[\[\s*([\w.-]+)\s*\]\]/.exec(line) ??
        /^\s*\[\s*([\w.-]+)\s*\]/.exec(line);
      if (header) {
        if (header[1] === "scenario") {
          scenario++;
          table = `scenario.${scenario}`;
        } else table = header[1];
        lines.set(table, ln + 1);
        continue;
      }
      const key = /^\s*([A-Za-z0-9_-]+)\s*=/.exec(line);
      if (key) {
        const place = table ? `${table}.${key[1]}` : key[1];
        if (!lines.has(place)) lines.set(place, ln + 1);
        if (key[1] === "steps") steps = { base: `${place}`, index: -1 };
        i = key[0].length;
      }
    }
    let expectKey = false;
    for (; i < line.length; i++) {
      const c = line[i];
      if (str !== null) {
        if (str.length === 1 && c === "\\" && str === '"') i++;
        else if (line.startsWith(str, i)) {
          i += str.length - 1;
          str = null;
        }
        continue;
      }
      if (c === "#") break;
      if (c === '"' || c === "'") {
        str = line.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
        i += str.length - 1;
        continue;
      }
      if (c === "[" || c === "{") {
        if (c === "{" && steps && depth === 1) {
          steps.index++;
          lines.set(`${steps.base}.${steps.index}`, ln + 1);
        }
        depth++;
        expectKey = c === "{";
        continue;
      }
      if (c === "]" || c === "}") {
        depth--;
        if (depth === 0) steps = null;
        continue;
      }
      if (c === ",") {
        expectKey = true;
        continue;
      }
      if (expectKey && /[A-Za-z0-9_-]/.test(c)) {
        const m = /^[A-Za-z0-9_-]+/.exec(line.slice(i))!;
        if (steps && depth === 2 && steps.index >= 0) {
          const place = `${steps.base}.${steps.index}.${m[0]}`;
          if (!lines.has(place)) lines.set(place, ln + 1);
        }
        i += m[0].length - 1;
        expectKey = false;
        continue;
      }
      if (!/\s/.test(c)) expectKey = false;
    }
    // A single-quoted or double-quoted basic string never spans lines.
    if (str === '"' || str === "'") str = null;
  }
  return (place: string) => {
    for (let p = place; p !== ""; p = p.includes(".") ? p.slice(0, p.lastIndexOf(".")) : "") {
      const at = lines.get(p);
      if (at !== undefined) return at;
    }
    return 1;
  };
}

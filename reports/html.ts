/**
 * The HTML report: one self-contained page, with filters and transcripts, every byte escaped.
 *
 * @module
 */
import { decodeHex } from "@std/encoding/hex";
import { escape } from "@std/html";
import {
  type CaseResult,
  firstDifference,
  hexdump,
  isProblem,
  OUTCOMES,
  printable,
  problemCount,
  type RunReport,
  type TranscriptEvent,
} from "../harness/mod.ts";
import { byGroup } from "./group.ts";
import { type Section, subjectSection } from "./section.ts";

/** How many transcript events one case shows; the JSON report keeps them all. */
const EVENTS_SHOWN = 300;
/** How many hexdump lines one event shows. */
const HEX_LINES = 8;

/**
 * Renders the HTML report: one self-contained file (inline CSS, no script, no external asset,
 * and a Content-Security-Policy that forbids both) with a summary, a filter by outcome, and per
 * case the requirement, expected vs actual, and the transcript as a timeline with a hex +
 * printable dump of every send and receive, and each connection's byte stream with the boundaries
 * of the chunks it was sent or received in. Every byte and string from a target is escaped.
 *
 * @example
 * ```ts
 * import { makeTarget, runCases } from "../harness/mod.ts";
 * import { renderHtml } from "./html.ts";
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
 * console.log(renderHtml(report).startsWith("<!DOCTYPE html>")); // true
 * ```
 */
export function renderHtml(report: RunReport): string {
  const s = report.summary;
  const failed = problemCount(s) > 0;
  const present = OUTCOMES.filter((o) => s[o] > 0);
  const title = `${report.tool.name} report: ${s.pass} passed, ${s.fail} failed, ${s.error} errors`;
  const groups = [...byGroup(report.cases)].map(([group, cases]) => {
    const counts = OUTCOMES.filter((o) => cases.some((c) => c.outcome === o))
      .map((o) => `<span class="n ${o}">${cases.filter((c) => c.outcome === o).length} ${o}</span>`)
      .join(" ");
    return `<section class="group">
<h2>${e(group)} ${counts}</h2>
${cases.map(caseHtml).join("\n")}
</section>`;
  });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${e(report.tool.name)} ${e(report.tool.version)} <span class="verdict ${
    failed ? "fail" : "pass"
  }">${failed ? "failed" : "passed"}</span></h1>
<dl class="meta">
<dt>Targets</dt><dd>${
    report.targets.map((t) => `<code>${e(t.url)}</code>`).join(" ") || "none"
  }</dd>
<dt>Profile</dt><dd><code>${e(report.profile)}</code></dd>
<dt>Seed</dt><dd><code>${report.seed}</code>${report.strict ? " · strict" : ""}</dd>
<dt>Started</dt><dd>${e(report.startedAt)} · ${(report.durationMs / 1000).toFixed(1)} s</dd>
</dl>
</header>
${sectionHtml(subjectSection(report))}
${present.map((o) => `<input type="checkbox" class="filter" id="f-${o}" checked>`).join("\n")}
<nav class="filters" aria-label="Filter by outcome">
<span>Show:</span>
${
    present.map((o) => `<label for="f-${o}" class="chip ${o}">${o} <b>${s[o]}</b></label>`).join(
      "\n",
    )
  }
</nav>
<main>
${groups.join("\n")}
</main>
<footer>Generated from the JSON report by ${
    e(report.tool.name)
  }; the transcript keeps at most the first
bytes of each send and receive.</footer>
</body>
</html>
`;
}

function e(s: string): string {
  return escape(s);
}

/** The subject's section: what ran, its events, and its output, every byte escaped. */
function sectionHtml(section: Section | undefined): string {
  if (!section) return "";
  const rest = section.lines.slice(1);
  return `<section class="program">
<h2>${e(section.title)}</h2>
<p><code>${e(section.head)}</code></p>
${rest.length > 0 ? `<ul>${rest.map((l) => `<li>${e(l)}</li>`).join("")}</ul>` : ""}
<details><summary>${e(section.outputTitle)}</summary><pre>${
    e(section.output.join("\n"))
  }</pre></details>
</section>`;
}

function caseHtml(c: CaseResult): string {
  const open = isProblem(c) ? " open" : "";
  const parts = [
    `<p class="req"><b>Requirement</b> ${e(c.requirement)}</p>`,
  ];
  if (c.message) parts.push(`<p class="msg">${e(c.message)}</p>`);
  if (c.repeats) {
    parts.push(
      `<p class="repeats"><b>Repeats</b> ${
        c.repeats.map((o) => `<span class="n ${o}">${o}</span>`).join(" ")
      }</p>`,
    );
  }
  if (c.expected !== undefined || c.actual !== undefined) {
    parts.push(`<div class="cmp">
${side("Expected", c.expected)}
${side("Actual", c.actual)}
</div>`);
  }
  if (c.expectedHex !== undefined || c.actualHex !== undefined) {
    parts.push(hexCompare(c.expectedHex, c.actualHex));
  }
  if (c.data) parts.push(`<pre class="data">${e(JSON.stringify(c.data, null, 2))}</pre>`);
  if (c.transcript.length > 0) {
    parts.push(`<h4>Transcript</h4>`, timeline(c.transcript), streams(c.transcript));
  }
  if (c.reproduce) {
    parts.push(`<p class="repro"><b>Reproduce</b> <code>${e(c.reproduce)}</code></p>`);
  }
  return `<details class="case ${c.outcome}" id="${e(`case-${c.id}`)}"${open}>
<summary><span class="badge ${c.outcome}">${c.outcome}</span> <code>${e(c.id)}</code> ${
    e(c.title)
  } <span class="dur">${c.durationMs} ms</span></summary>
<div class="body">
${parts.join("\n")}
</div>
</details>`;
}

function side(label: string, text: string | undefined): string {
  return `<div><h4>${label}</h4>${
    text !== undefined ? `<pre class="text">${e(text)}</pre>` : ""
  }</div>`;
}

/** How many 16-byte rows the expected/actual comparison shows. */
const COMPARE_ROWS = 16;

/**
 * Expected and actual bytes as two hex + printable dumps, one above the other, with every byte
 * that differs from the other side marked.
 */
function hexCompare(expectedHex: string | undefined, actualHex: string | undefined): string {
  const want = expectedHex !== undefined ? decodeHex(expectedHex) : undefined;
  const got = actualHex !== undefined ? decodeHex(actualHex) : undefined;
  const first = want && got ? firstDifference(want, got) : -1;
  const dump = (label: string, bytes: Uint8Array, other: Uint8Array | undefined) => {
    // Start at the row of the first difference when it lies beyond what is shown.
    const startRow = first >= COMPARE_ROWS * 16 ? Math.floor(first / 16) - 1 : 0;
    const rows: string[] = [];
    if (startRow > 0) rows.push(e(`… ${startRow * 16} equal bytes`));
    for (let row = startRow; row * 16 < bytes.length; row++) {
      if (rows.length >= COMPARE_ROWS) {
        rows.push(e(`… ${bytes.length - row * 16} more bytes`));
        break;
      }
      const off = row * 16;
      const cells: string[] = [];
      const chars: string[] = [];
      for (let i = off; i < off + 16; i++) {
        if (i >= bytes.length) {
          cells.push("  ");
          chars.push(" ");
          continue;
        }
        const b = bytes[i];
        const hex = b.toString(16).padStart(2, "0");
        const ch = e(b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".");
        const differs = other !== undefined && other[i] !== b;
        cells.push(differs ? `<mark>${hex}</mark>` : hex);
        chars.push(differs ? `<mark>${ch}</mark>` : ch);
      }
      rows.push(
        `${off.toString(16).padStart(8, "0")}  ${cells.slice(0, 8).join(" ")}  ${
          cells.slice(8).join(" ")
        }  |${chars.join("")}|`,
      );
    }
    return `<h4>${label} (${bytes.length} bytes)</h4><pre class="hex">${rows.join("\n")}</pre>`;
  };
  const note = first >= 0
    ? `<p class="note">First difference at byte ${first} (offset 0x${
      first.toString(16)
    }); differing bytes are marked.</p>`
    : "";
  return `<div class="hexcmp">${note}${want ? dump("Expected bytes", want, got) : ""}${
    got ? dump("Bytes that came back", got, want) : ""
  }</div>`;
}

const ARROW = { out: "→", in: "←" } as const;

function timeline(events: readonly TranscriptEvent[]): string {
  const rows = events.slice(0, EVENTS_SHOWN).map((ev) => {
    const bytes = ev.hex
      ? `<pre class="hex">${e(hexdump(ev.hex, HEX_LINES).join("\n"))}${
        ev.truncated ? e(`\n(first ${ev.hex.length / 2} of ${ev.length} bytes kept)`) : ""
      }</pre>`
      : "";
    const length = ev.length !== undefined ? `${ev.length} B` : "";
    return `<tr class="ev ${e(ev.kind)}${ev.dir ? ` ${ev.dir}` : ""}"><td class="t">${
      ev.t.toFixed(1)
    }</td><td class="conn">${e(ev.conn)}</td><td class="kind">${e(ev.kind)} ${
      ev.dir ? ARROW[ev.dir] : ""
    }</td><td class="len">${length}</td><td>${
      ev.detail ? `<span class="detail">${e(ev.detail)}</span>` : ""
    }${bytes}</td></tr>`;
  });
  const more = events.length > EVENTS_SHOWN
    ? `<tr><td colspan="5" class="more">${
      events.length - EVENTS_SHOWN
    } more events in the JSON report</td></tr>`
    : "";
  return `<table class="timeline"><thead><tr><th>ms</th><th>conn</th><th>event</th><th>bytes</th><th>detail and data</th></tr></thead><tbody>
${rows.join("\n")}${more}
</tbody></table>`;
}

/** Each connection's bytes, per direction, as one printable line with chunk boundaries marked. */
function streams(events: readonly TranscriptEvent[]): string {
  const byStream = new Map<string, TranscriptEvent[]>();
  for (const ev of events) {
    if (!ev.hex || !ev.dir) continue;
    const key = `${ev.conn} ${ev.dir}`;
    const list = byStream.get(key) ?? [];
    list.push(ev);
    byStream.set(key, list);
  }
  if (byStream.size === 0) return "";
  const rows = [...byStream].map(([key, chunks]) => {
    const [conn, dir] = key.split(" ") as [string, "in" | "out"];
    const total = chunks.reduce((n, c) => n + (c.length ?? 0), 0);
    const spans = chunks.map((c, i) =>
      `<span class="chunk k${i % 2}" title="${
        e(`${c.kind} at ${c.t.toFixed(1)} ms, ${c.length} bytes`)
      }">${e(printable(decodeHex(c.hex!), 120))}</span>`
    ).join("");
    return `<tr><td class="conn">${e(conn)} ${
      ARROW[dir]
    }</td><td class="len">${chunks.length} chunk${
      chunks.length === 1 ? "" : "s"
    }, ${total} B</td><td><code class="stream">${spans}</code></td></tr>`;
  });
  return `<h4>How the bytes were split</h4>
<table class="streams"><tbody>
${rows.join("\n")}
</tbody></table>`;
}

const FILTER_CSS = OUTCOMES.map((o) =>
  `#f-${o}:not(:checked) ~ main .case.${o} { display: none; }
#f-${o}:not(:checked) ~ main .group:not(:has(> .case:not(.${o}))) { display: none; }
#f-${o}:not(:checked) ~ nav label[for="f-${o}"] { opacity: .4; text-decoration: line-through; }`
).join("\n");

const CSS = `
:root { --pass: #1a7f37; --fail: #cf222e; --error: #bc4c00; --skip: #6e7781; --warn: #9a6700;
  --info: #0969da; --flaky: #8250df; --line: #d0d7de; --bg2: #f6f8fa; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; padding: 16px 24px;
  max-width: 1200px; color: #1f2328; }
h1 { font-size: 22px; margin: 0 0 8px; }
h2 { font-size: 16px; margin: 24px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h4 { margin: 12px 0 4px; font-size: 13px; }
code, pre { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { background: var(--bg2); border: 1px solid var(--line); border-radius: 4px; padding: 6px 8px; margin: 4px 0;
  overflow-x: auto; white-space: pre; }
pre.text { white-space: pre-wrap; word-break: break-all; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; }
.meta dt { color: #57606a; } .meta dd { margin: 0; }
.verdict { font-size: 14px; padding: 2px 8px; border-radius: 10px; color: #fff; vertical-align: middle; }
.verdict.pass { background: var(--pass); } .verdict.fail { background: var(--fail); }
input.filter { position: absolute; opacity: 0; pointer-events: none; }
.filters { position: sticky; top: 0; background: #fff; padding: 8px 0; border-bottom: 1px solid var(--line);
  display: flex; gap: 8px; align-items: center; flex-wrap: wrap; z-index: 1; }
.chip { cursor: pointer; user-select: none; border-radius: 12px; padding: 2px 10px; color: #fff; }
${
  OUTCOMES.map((o) =>
    `.chip.${o}, .badge.${o} { background: var(--${o}); } .n.${o} { color: var(--${o}); }`
  ).join("\n")
}
.n { font-size: 12px; font-weight: normal; margin-left: 6px; }
.case { border: 1px solid var(--line); border-radius: 6px; margin: 6px 0; background: #fff; }
.case > summary { cursor: pointer; padding: 6px 10px; list-style-position: inside; }
.case[open] > summary { border-bottom: 1px solid var(--line); background: var(--bg2); }
.badge { display: inline-block; min-width: 44px; text-align: center; color: #fff; border-radius: 4px;
  font-size: 11px; text-transform: uppercase; padding: 1px 4px; }
.dur { color: #57606a; font-size: 12px; float: right; }
.body { padding: 4px 12px 12px; }
.req, .msg, .repro, .repeats { margin: 6px 0; }
.msg { font-weight: 600; }
.cmp { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
.cmp > div { min-width: 0; }
table { border-collapse: collapse; width: 100%; }
td, th { border-top: 1px solid var(--line); padding: 3px 6px; vertical-align: top; text-align: left; }
th { font-size: 12px; color: #57606a; font-weight: 600; }
td.t, td.len { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.conn, td.kind { white-space: nowrap; }
tr.ev.out td.kind { color: var(--info); } tr.ev.in td.kind { color: var(--pass); }
tr.ev.reset td.kind, tr.ev.timeout td.kind, tr.ev.error td.kind, tr.ev.refused td.kind { color: var(--fail); }
.timeline pre { margin: 2px 0; }
.detail { color: #57606a; }
.streams td:last-child { width: 100%; }
.stream { display: block; white-space: pre-wrap; word-break: break-all; }
.chunk { border-right: 2px solid #fff; padding: 0 1px; }
.chunk.k0 { background: #ddf4ff; } .chunk.k1 { background: #fff8c5; }
.more { color: #57606a; font-style: italic; }
mark { background: #ffcecb; color: #82071e; font-weight: 600; }
.note { color: #57606a; margin: 6px 0 0; }
footer { color: #57606a; font-size: 12px; margin-top: 24px; }
${FILTER_CSS}
`;

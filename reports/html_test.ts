import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { serve } from "../fixtures/references/serve.ts";
import { runCases, selectCases } from "../harness/mod.ts";
import { ALL_CASES } from "../suites/mod.ts";
import { PROFILES } from "../harness/subject/profiles.ts";
import { renderHtml } from "./html.ts";
import { sampleRuns, syntheticReport } from "./_test_utils.ts";

const SCRIPT = new TextEncoder().encode(
  `<script>alert(1)</script><img src=x onerror=alert(2)>"'><svg onload=alert(3)>`,
);

/** The only elements the report itself writes. */
const OWN_TAGS = new Set([
  "html",
  "head",
  "meta",
  "title",
  "style",
  "body",
  "header",
  "h1",
  "h2",
  "h4",
  "span",
  "dl",
  "dt",
  "dd",
  "code",
  "input",
  "nav",
  "label",
  "b",
  "main",
  "section",
  "details",
  "summary",
  "div",
  "p",
  "pre",
  "mark",
  "table",
  "thead",
  "tbody",
  "tr",
  "th",
  "td",
  "footer",
]);

/** Every element and attribute name in the HTML, found the way a browser's tokenizer would. */
function markup(html: string): { tags: Set<string>; attrs: Set<string> } {
  const tags = new Set<string>();
  const attrs = new Set<string>();
  const body = html.replace(/<style>[\s\S]*?<\/style>/, "<style></style>");
  for (const m of body.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>/g)) {
    tags.add(m[1].toLowerCase());
    // Attribute values are quoted and escaped; names are what precede `=` or stand alone.
    const rest = m[2].replace(/"[^"]*"/g, '""');
    for (const a of rest.matchAll(/([a-zA-Z-]+)(?==|\s|\/?$)/g)) attrs.add(a[1].toLowerCase());
  }
  return { tags, attrs };
}

Deno.test("renderHtml() escapes a target that answers with <script>: nothing is injected", async () => {
  await using served = serve({
    tcp: async (conn) => {
      await conn.write(SCRIPT);
      const buf = new Uint8Array(4096);
      while (await conn.read(buf) !== null) await conn.write(SCRIPT);
    },
    udp: async (_data, from, socket) => {
      await socket.send(SCRIPT, from);
    },
  });
  const report = await runCases(selectCases(ALL_CASES, ["tcp.basic", "udp.basic"], []), {
    targets: served.targets,
    profile: PROFILES.echo,
    seed: 1,
    timeoutMs: 500,
  });
  assert(report.summary.fail > 0, "the hostile target fails");
  const html = renderHtml(report);
  const { tags, attrs } = markup(html);
  assertEquals([...tags].filter((t) => !OWN_TAGS.has(t)), [], "no element from the target");
  assertEquals([...attrs].filter((a) => a.startsWith("on") || a === "src" || a === "href"), []);
  assert(!/<script/i.test(html), "no script element at all");
  assertStringIncludes(html, "&lt;script&gt;alert(1)&lt;/script&gt;");
  assertStringIncludes(html, "&lt;img src=x onerror=alert(2)&gt;&quot;&#39;&gt;");
  assertStringIncludes(html, "|&lt;script&gt;aler");
});

Deno.test("renderHtml() writes one self-contained file that forbids scripts and outside assets", () => {
  const html = renderHtml(syntheticReport());
  assertStringIncludes(
    html,
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
  );
  assert(!/\b(src|href)\s*=/i.test(html.replace(/&[a-z]+;|&#\d+;/g, "")), "no linked asset");
  assert(!/url\(|@import/i.test(html), "no stylesheet import or url()");
  assert(!/<(script|link|iframe|object|embed|img)\b/i.test(html));
});

Deno.test("renderHtml() has a summary, a filter per outcome and the evidence per case", () => {
  const html = renderHtml(syntheticReport());
  for (const o of ["pass", "fail", "error", "skip", "warn", "info", "flaky"]) {
    assertStringIncludes(html, `<input type="checkbox" class="filter" id="f-${o}" checked>`);
    assertStringIncludes(html, `#f-${o}:not(:checked) ~ main .case.${o} { display: none; }`);
  }
  assertStringIncludes(html, '<details class="case fail" id="case-tcp.basic.single-request" open>');
  assertStringIncludes(html, '<details class="case pass" id="case-tcp.basic.connect">');
  assertStringIncludes(html, "<b>Requirement</b> Requirement of tcp.basic.single-request");
  assertStringIncludes(html, '<h4>Expected</h4><pre class="text">3 bytes &quot;abc&quot;</pre>');
  assertStringIncludes(html, "First difference at byte 0");
  assertStringIncludes(html, "<mark>61</mark>");
  assertStringIncludes(html, "<h4>How the bytes were split</h4>");
  assertStringIncludes(html, "2 chunks, 611 B");
  assertStringIncludes(html, "(first 512 of 600 bytes kept)");
  assertStringIncludes(
    html,
    "<b>Reproduce</b> <code>deno task conform --only tcp.basic.single-request",
  );
  assertStringIncludes(html, '<span class="n fail">fail</span>');
});

Deno.test("renderHtml() renders real runs of the reference and a mutant", async () => {
  const { reference, mutant } = await sampleRuns();
  assertStringIncludes(renderHtml(reference), '<span class="verdict pass">passed</span>');
  const bad = renderHtml(mutant);
  assertStringIncludes(bad, '<span class="verdict fail">failed</span>');
  assertStringIncludes(bad, "Bytes that came back");
  const split = /(\d+) chunks, \1 B/.exec(bad);
  assert(split && Number(split[1]) > 1, "byte-by-byte shows each one-byte send as a chunk");
});

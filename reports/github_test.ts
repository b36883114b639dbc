import { assertEquals, assertStringIncludes } from "@std/assert";
import { annotation, escapeData, escapeProperty, githubAnnotations } from "./github.ts";
import { syntheticReport } from "./_test_utils.ts";

Deno.test("escapeData() escapes %, CR and LF, and % first", () => {
  assertEquals(escapeData("50% done\r\nnext %0A"), "50%25 done%0D%0Anext %250A");
  assertEquals(escapeData("a:b,c"), "a:b,c");
});

Deno.test("escapeProperty() also escapes : and ,", () => {
  assertEquals(escapeProperty("tcp.basic: a,b\n%"), "tcp.basic%3A a%2Cb%0A%25");
});

Deno.test("githubAnnotations() gives one ::error per fail, error and flaky case", () => {
  const lines = githubAnnotations(syntheticReport());
  assertEquals(lines.map((l) => /^::error title=([^:]+)::/.exec(l)?.[1]), [
    "tcp.basic.single-request",
    "tcp.basic.clean-close",
    "tcp.framing.byte-by-byte",
  ]);
  for (const l of lines) assertEquals(/[\r\n]/.test(l), false, "one line each");
});

Deno.test("annotation() keeps a target's text from ending the command or adding another", () => {
  const c = syntheticReport().cases[1];
  const line = annotation(c);
  const message = line.slice(line.indexOf("::", 2) + 2);
  assertEquals(message.includes("\n"), false);
  assertStringIncludes(message, "%0A::error::x%0D%0A");
  assertStringIncludes(message, '%0Aexpected: 3 bytes "abc"');
  assertStringIncludes(message, "reproduce: deno task conform --only tcp.basic.single-request");
  // Unescaping the message gives back the text.
  const back = message.replaceAll("%0A", "\n").replaceAll("%0D", "\r").replaceAll("%25", "%");
  assertStringIncludes(back, c.actual!);
});

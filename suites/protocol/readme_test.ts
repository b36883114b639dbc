import { assertEquals } from "@std/assert";
import { PROTOCOL_KEYS } from "./parse.ts";
import { TRANSFORMATIONS } from "./transform.ts";
import { CLIENT_TRANSFORMATION_NAMES } from "./client_cases.ts";

const readme = await Deno.readTextFile(new URL("../../README.md", import.meta.url)).catch(() => "");
const from = readme.indexOf("<!-- protocol -->");
const section = from < 0 ? "" : readme.slice(from, readme.indexOf("<!-- /protocol -->"));

Deno.test("README documents every key of a protocol file", () => {
  const keys = [
    ...PROTOCOL_KEYS.file,
    ...PROTOCOL_KEYS.client,
    ...PROTOCOL_KEYS.scenario,
    ...PROTOCOL_KEYS.step,
  ];
  assertEquals(
    keys.filter((k) => !section.includes(`\`${k}\``) && !section.includes(`${k} =`)),
    [],
  );
});

Deno.test("README explains every transformation", () => {
  assertEquals(
    TRANSFORMATIONS.map((t) => t.name).filter((n) => !section.includes(`| \`${n}\``)),
    [],
  );
});

Deno.test("README explains every client transformation", () => {
  assertEquals(CLIENT_TRANSFORMATION_NAMES.filter((n) => !section.includes(`| \`${n}\``)), []);
});

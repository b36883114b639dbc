import { assert, assertFalse } from "@std/assert";
import { needsShell } from "./needs_shell.ts";

Deno.test("needsShell() is true for pipes, lists, redirections and subshells", () => {
  for (
    const text of [
      "./server | tee log",
      "make && ./server",
      "cd build; ./server",
      "./server &",
      "./server > log",
      "./server < input",
      "./server 2>&1",
      "(cd build && ./server)",
      "./server\n./other",
    ]
  ) assert(needsShell(text), text);
});

Deno.test("needsShell() is true for expansions, also inside double quotes", () => {
  for (
    const text of [
      "./server $PORT",
      "./server ${PORT}",
      "./server $(cat port)",
      "./server `cat port`",
      `./server "$PORT"`,
      `./server "\`id\`"`,
    ]
  ) assert(needsShell(text), text);
});

Deno.test("needsShell() is true for globs, a leading tilde, comments and assignments", () => {
  for (
    const text of [
      "./server *.conf",
      "./server file?.txt",
      "./server [ab].conf",
      "~/bin/server",
      "./server ~",
      "./server # the port",
      "PORT=8080 ./server",
      "A=1 B=2 ./server",
    ]
  ) assert(needsShell(text), text);
});

Deno.test("needsShell() is false for simple commands and quoted or escaped syntax", () => {
  for (
    const text of [
      "./server 8080",
      `"./my server" 'a|b' "x;y" 'c*d'`,
      "./server \\| \\$HOME \\*",
      "./server a~b a#b",
      "./server --port=8080",
      `"PORT=8080" ./server`,
      "'$HOME'",
      "./server {port}",
    ]
  ) assertFalse(needsShell(text), text);
});

Deno.test("needsShell() does not throw on an unterminated quote", () => {
  assertFalse(needsShell(`./server "unterminated`));
  assert(needsShell(`./server | tee "unterminated`));
});

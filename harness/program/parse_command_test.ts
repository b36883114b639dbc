import { assertEquals, assertThrows } from "@std/assert";
import { CommandError } from "./command_error.ts";
import { parseCommand } from "./parse_command.ts";

Deno.test("parseCommand() splits on blanks and keeps quoted spaces", () => {
  assertEquals(parseCommand("  ./server\t8080  "), ["./server", "8080"]);
  assertEquals(parseCommand(`"/home/me/my server" 'a  b' c`), ["/home/me/my server", "a  b", "c"]);
  assertEquals(parseCommand(`pre"fix 'x'"post`), ["prefix 'x'post"]);
});

Deno.test("parseCommand() honours backslash escapes outside and inside double quotes", () => {
  assertEquals(parseCommand(String.raw`my\ server \"q\" \\`), ["my server", `"q"`, "\\"]);
  assertEquals(parseCommand(String.raw`"a \"b\" \\ \$x \n"`), [String.raw`a "b" \ $x \n`]);
  assertEquals(parseCommand(String.raw`'single \keeps\ backslashes'`), [
    String.raw`single \keeps\ backslashes`,
  ]);
  assertEquals(parseCommand("./server \\\n8080"), ["./server", "8080"]); // line continuation
});

Deno.test("parseCommand() keeps empty quoted words", () => {
  assertEquals(parseCommand(`./client "" ''`), ["./client", "", ""]);
});

Deno.test("parseCommand() leaves shell syntax as plain words", () => {
  assertEquals(parseCommand("a | b $HOME"), ["a", "|", "b", "$HOME"]);
});

Deno.test("parseCommand() throws CommandError for unterminated quotes, a lone backslash or nothing", () => {
  assertThrows(
    () => parseCommand(`./server "8080`),
    CommandError,
    `Unterminated double quote in "./server \\"8080"`,
  );
  assertThrows(
    () => parseCommand("./server '8080"),
    CommandError,
    `Unterminated single quote in "./server '8080"`,
  );
  assertThrows(
    () => parseCommand("./server \\"),
    CommandError,
    `The command "./server \\\\" ends in a lone backslash`,
  );
  assertThrows(() => parseCommand(" \t "), CommandError, "The command is empty");
  const error = assertThrows(() => parseCommand(""), CommandError);
  assertEquals(error.name, "CommandError");
});

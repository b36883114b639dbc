import { assertEquals, assertThrows } from "@std/assert";
import { commandArgv } from "./command_argv.ts";
import { CommandError } from "./command_error.ts";

Deno.test("commandArgv() returns the words of a simple command", () => {
  assertEquals(commandArgv(`"./my server" 127.0.0.1 8080`), ["./my server", "127.0.0.1", "8080"]);
});

Deno.test("commandArgv() hands a command with shell syntax to sh -c unchanged", () => {
  const text = "PORT=8080 ./server 2>&1 | tee 'log file'";
  assertEquals(commandArgv(text), ["sh", "-c", text]);
});

Deno.test("commandArgv() throws CommandError for an empty command or an unclosed quote", () => {
  assertThrows(() => commandArgv(""), CommandError, "The command is empty");
  assertThrows(() => commandArgv("a | 'b"), CommandError, "Unterminated single quote");
});

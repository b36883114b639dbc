/**
 * A command line as the argv to spawn: its words, or `sh -c TEXT` when it uses shell syntax.
 *
 * @module
 */
import { scan } from "./_scan.ts";
import { CommandError } from "./command_error.ts";

/**
 * The argv to launch for a command line: its words as `parseCommand()` splits them, or
 * `["sh", "-c", text]` when `needsShell()` says a shell must interpret it.
 *
 * @param text The command line, placeholders already filled.
 * @returns The argv, at least one word.
 * @throws {CommandError} When the command is empty or a quote is not closed.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { commandArgv } from "./command_argv.ts";
 * assertEquals(commandArgv("'./my server' 8080"), ["./my server", "8080"]);
 * assertEquals(commandArgv("cd build && ./server 8080"), [
 *   "sh",
 *   "-c",
 *   "cd build && ./server 8080",
 * ]);
 * ```
 */
export function commandArgv(text: string): string[] {
  const { words, shell } = scan(text, true);
  if (words.length === 0) throw new CommandError("The command is empty");
  return shell ? ["sh", "-c", text] : words;
}

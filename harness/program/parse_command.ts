/**
 * A command line read the way `sh` reads a simple command: its words, quotes removed.
 *
 * @module
 */
import { scan } from "./_scan.ts";
import { CommandError } from "./command_error.ts";

/**
 * Splits a command line into words the way `sh` would for a simple command: blanks separate words,
 * `'single'` quotes keep everything literally, `"double"` quotes keep blanks and honour `\"`, `\\`,
 * `\$` and `` \` ``, and a backslash outside quotes keeps the next character. No shell runs and
 * nothing is expanded: shell syntax such as `|` or `$HOME` stays as it is, so check
 * `needsShell()` first, or use `commandArgv()`.
 *
 * @param text The command line as the user typed it.
 * @returns The words, at least one.
 * @throws {CommandError} When a quote is not closed, the text ends in a lone backslash, or there is
 * no word at all.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { parseCommand } from "./parse_command.ts";
 * assertEquals(parseCommand(`"./my server" --name 'a b' c\\ d 8080`), [
 *   "./my server",
 *   "--name",
 *   "a b",
 *   "c d",
 *   "8080",
 * ]);
 * ```
 */
export function parseCommand(text: string): string[] {
  const { words } = scan(text, true);
  if (words.length === 0) throw new CommandError("The command is empty");
  return words;
}

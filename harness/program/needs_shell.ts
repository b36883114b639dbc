/**
 * Whether a command line needs `sh -c`: pipes, lists, redirections or expansions outside quotes.
 *
 * @module
 */
import { scan } from "./_scan.ts";

/**
 * Whether a command line uses shell syntax, so that it must run as `sh -c TEXT`: pipes and lists
 * (`|`, `&&`, `;`, `&`), redirections (`<`, `>`), subshells (`(`), expansions (`$VAR`,
 * `` `cmd` ``, `$(cmd)`, also inside double quotes), globs (`*`, `?`, `[`), a leading `~`, a
 * comment (`#`), a line break, or a leading `NAME=value` assignment. Characters inside quotes or
 * after a backslash do not count. Never throws: `parseCommand()` reports an unterminated quote.
 *
 * @param text The command line as the user typed it.
 * @returns `true` when a shell has to interpret the text.
 *
 * @example
 * ```ts
 * import { assert, assertFalse } from "@std/assert";
 * import { needsShell } from "./needs_shell.ts";
 * assert(needsShell("make run 2>&1 | tee log"));
 * assert(needsShell("PORT=8080 ./server"));
 * assertFalse(needsShell(`./server "a|b" 8080`));
 * ```
 */
export function needsShell(text: string): boolean {
  return scan(text, false).shell;
}

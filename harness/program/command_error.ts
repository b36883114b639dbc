/**
 * The error for a program under test described wrongly by the user, with a one-line message.
 *
 * @module
 */
/**
 * A mistake in how the user described the program under test: an unterminated quote, an empty
 * command, an unknown placeholder, a bad `--limit` value, a program that cannot be found. The
 * message is one line meant for the user as it is.
 *
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { CommandError } from "./command_error.ts";
 * import { parseCommand } from "./parse_command.ts";
 * const error = assertThrows(() => parseCommand("./server 'oops"), CommandError);
 * assertEquals(error.message, `Unterminated single quote in "./server 'oops"`);
 * ```
 */
export class CommandError extends Error {
  /**
   * @param message One line naming the problem, e.g. `Unknown placeholder "{prot}" in "./server {prot}"`.
   * @param options Passed on to `Error` (`cause`).
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "CommandError";
  }
}

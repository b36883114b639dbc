/**
 * Checking a command line before anything runs: is its program there, and may it be executed?
 *
 * @module
 */
import { checkExecutable } from "./_spawn_argv.ts";
import { commandArgv } from "./command_argv.ts";

/**
 * Checks that the program a command line runs exists and may be executed, as `execvp()` will
 * look for it (a name with a `/` relative to `cwd`, a bare name on `PATH`). A command that needs
 * a shell is run as `sh -c TEXT`; only `sh` is checked then, and the shell reports the rest.
 *
 * @param text The command line, its placeholders filled in or not.
 * @param cwd The directory the program will run in (default: sockspec's).
 * @throws {CommandError} When it cannot be run, with the reason: `Cannot run "./client": no such
 * file`, `... not executable (chmod +x ./client?)`, `... not found on PATH`.
 *
 * @example
 * ```ts
 * import { assertThrows } from "@std/assert";
 * import { checkCommand } from "./check_command.ts";
 * checkCommand("cat {port}");
 * assertThrows(() => checkCommand("./no-such-client {host} {port}"), Error, "no such file");
 * ```
 */
export function checkCommand(text: string, cwd?: string): void {
  const argv = commandArgv(text);
  const path = Deno.env.get("PATH") ?? "/usr/bin:/bin";
  checkExecutable(argv[0], cwd, path);
}

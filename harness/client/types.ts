/**
 * The client under test: the command a client run launches once per client case, and the
 * contract a client keeps (what it reads on stdin, what it prints on stdout). Types only, so the
 * case contract can name them without importing what runs them.
 *
 * @module
 */
import type { Limits } from "../program/limits.ts";
import type { Transport } from "../target.ts";

/**
 * A client program to test: its command line, with `{port}` (and usually `{host}`) where the
 * address of each case's server goes.
 *
 * @example
 * ```ts
 * import type { ClientUnderTest } from "./types.ts";
 * const client: ClientUnderTest = { command: "./client {host} {port}", transport: "tcp" };
 * ```
 */
export interface ClientUnderTest {
  /** The command line, e.g. `./client {host} {port}`; run without a shell unless it needs one. */
  command: string;
  /** Only the cases of this transport, for a profile that has both (`--transport`). */
  transport?: Transport;
  /** Resource limits replacing the launcher's defaults. */
  limits?: Partial<Limits>;
  /** The working directory; sockspec's own when absent. */
  cwd?: string;
}

/**
 * What a client of a profile reads and prints: its message comes on stdin and its reply goes to
 * stdout. A profile may define its own (`Profile.clientContract`); the default follows the
 * framing (see `clientContract()`).
 *
 * @example
 * ```ts
 * import type { ClientContract } from "./types.ts";
 * // A client that sends its message upper-cased and prints the reply as is.
 * const upper: ClientContract = {
 *   stdin: (payload) => payload,
 *   stdout: (reply) => reply,
 * };
 * ```
 */
export interface ClientContract {
  /** The bytes the client reads on stdin to send `payload` as one request. */
  stdin(payload: Uint8Array): Uint8Array;
  /** The bytes a correct client prints for a `reply` (a whole reply, framing included). */
  stdout(reply: Uint8Array): Uint8Array;
}

/** Why a client case does not apply without a client under test. */
export const NO_CLIENT = "Tests a client program: give one with --client 'CMD {host} {port}' " +
  "(SOCKSPEC_CLIENT for deno test)";

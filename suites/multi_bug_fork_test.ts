/**
 * The multi-bug stability test (see `_multi_bug.ts`) of the fork-per-client server.
 *
 * @module
 */
import { multiBugTests } from "./_multi_bug.ts";

multiBugTests(["fork_leak_unchecked_bind"]);

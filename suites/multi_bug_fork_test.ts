/**
 * The multi-bug stability test (see `multi_bug_test_utils.ts`) of the fork-per-client server.
 *
 * @module
 */
import { multiBugTests } from "./multi_bug_test_utils.ts";

multiBugTests(["fork_leak_unchecked_bind"]);

/**
 * The multi-bug stability test (see `multi_bug_test_utils.ts`) of the fork-per-client server
 * `fork_leak_unchecked_bind`.
 *
 * Its `--exec` run is in `multi_bug_fork_leak_unchecked_bind_exec_test.ts`.
 *
 * @module
 */
import { multiBugTests } from "./multi_bug_test_utils.ts";

multiBugTests(["fork_leak_unchecked_bind"], "address");

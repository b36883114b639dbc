/**
 * The multi-bug stability test (see `multi_bug_test_utils.ts`) of the fork-per-client server
 * `fork_leak_unchecked_bind`.
 *
 * This file has its `--exec` run; `multi_bug_fork_leak_unchecked_bind_test.ts` has the address runs.
 *
 * @module
 */
import { multiBugTests } from "./multi_bug_test_utils.ts";

multiBugTests(["fork_leak_unchecked_bind"], "exec");

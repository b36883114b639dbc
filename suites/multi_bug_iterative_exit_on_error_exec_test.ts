/**
 * The multi-bug stability test (see `multi_bug_test_utils.ts`) of the iterative server `iterative_exit_on_error`.
 *
 * This file has its `--exec` run; `multi_bug_iterative_exit_on_error_test.ts` has the address runs.
 *
 * @module
 */
import { multiBugTests } from "./multi_bug_test_utils.ts";

multiBugTests(["iterative_exit_on_error"], "exec");

/**
 * The multi-bug stability test (see `multi_bug_test_utils.ts`) of the iterative server `iterative_exit_on_error`.
 *
 * Its `--exec` run is in `multi_bug_iterative_exit_on_error_exec_test.ts`.
 *
 * @module
 */
import { multiBugTests } from "./multi_bug_test_utils.ts";

multiBugTests(["iterative_exit_on_error"], "address");

/**
 * The multi-bug stability test (see `multi_bug_test_utils.ts`) of the thread-per-client servers.
 *
 * @module
 */
import { multiBugTests } from "./multi_bug_test_utils.ts";

multiBugTests([
  "thread_strlen_sigpipe",
  "thread_line_1k",
  "thread_double_free",
  "select_strlen_no_remove",
  "thread_exit_on_partial",
]);

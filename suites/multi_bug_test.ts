/**
 * The multi-bug stability test (see `_multi_bug.ts`) of the thread-per-client servers.
 *
 * @module
 */
import { multiBugTests } from "./_multi_bug.ts";

multiBugTests([
  "thread_strlen_sigpipe",
  "thread_line_1k",
  "thread_double_free",
  "select_strlen_no_remove",
]);

/**
 * The multi-bug stability test (see `multi_bug_test_utils.ts`) of the thread-per-client server `thread_strlen_sigpipe`.
 *
 * Its `--exec` run is in `multi_bug_thread_strlen_sigpipe_exec_test.ts`.
 *
 * @module
 */
import { multiBugTests } from "./multi_bug_test_utils.ts";

multiBugTests(["thread_strlen_sigpipe"], "address");

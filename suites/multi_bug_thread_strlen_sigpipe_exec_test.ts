/**
 * The multi-bug stability test (see `multi_bug_test_utils.ts`) of the thread-per-client server `thread_strlen_sigpipe`.
 *
 * This file has its `--exec` run; `multi_bug_thread_strlen_sigpipe_test.ts` has the address runs.
 *
 * @module
 */
import { multiBugTests } from "./multi_bug_test_utils.ts";

multiBugTests(["thread_strlen_sigpipe"], "exec");

/**
 * The multi-bug stability test (see `multi_bug_test_utils.ts`) of the thread-per-client server `thread_line_1k`.
 *
 * @module
 */
import { multiBugTests } from "./multi_bug_test_utils.ts";

multiBugTests(["thread_line_1k"]);

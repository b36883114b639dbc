/**
 * The multi-bug stability test (see `multi_bug_test_utils.ts`) of the select() server `select_strlen_no_remove`.
 *
 * @module
 */
import { multiBugTests } from "./multi_bug_test_utils.ts";

multiBugTests(["select_strlen_no_remove"]);

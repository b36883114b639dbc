/**
 * The multi-bug stability test (see `multi_bug_test_utils.ts`) of the TCP client `client_fgets_unchecked_connect`.
 *
 * @module
 */
import { multiBugTests } from "./multi_bug_test_utils.ts";

multiBugTests(["client_fgets_unchecked_connect"]);

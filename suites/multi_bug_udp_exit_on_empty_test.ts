/**
 * The multi-bug stability test (see `multi_bug_test_utils.ts`) of the UDP server `udp_exit_on_empty`.
 *
 * @module
 */
import { multiBugTests } from "./multi_bug_test_utils.ts";

multiBugTests(["udp_exit_on_empty"]);

/**
 * The multi-bug stability test (see `multi_bug_test_utils.ts`) of the UDP client `udp_client_no_timeout`.
 *
 * @module
 */
import { multiBugTests } from "./multi_bug_test_utils.ts";

multiBugTests(["udp_client_no_timeout"]);

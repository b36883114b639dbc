/**
 * The multi-bug stability test (see `multi_bug_test_utils.ts`) of the iterative and UDP servers and the clients.
 *
 * @module
 */
import { multiBugTests } from "./multi_bug_test_utils.ts";

multiBugTests([
  "iterative_exit_on_error",
  "udp_exit_on_empty",
  "client_fgets_unchecked_connect",
  "udp_client_no_timeout",
]);

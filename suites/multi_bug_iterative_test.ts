/**
 * The multi-bug stability test (see `_multi_bug.ts`) of the iterative and UDP servers and the clients.
 *
 * @module
 */
import { multiBugTests } from "./_multi_bug.ts";

multiBugTests([
  "iterative_exit_on_error",
  "udp_exit_on_empty",
  "client_fgets_unchecked_connect",
  "udp_client_no_timeout",
]);

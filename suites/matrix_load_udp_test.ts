/**
 * The case↔mutant matrix, second half: every load and UDP mutant fails each case it exists for.
 * The first half, the references and the checks that every case is proven are in
 * `matrix_test.ts`; the two files run side by side under `deno test --parallel`.
 *
 * @module
 */
import { LOAD_AND_UDP_MUTANTS, mutantTests } from "./_test_utils.ts";

mutantTests(LOAD_AND_UDP_MUTANTS);

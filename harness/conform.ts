/**
 * `deno task conform`: runs the scenario suites against a target and reports.
 *
 * @module
 */
import { conform } from "./cli.ts";

if (import.meta.main) Deno.exit(await conform(Deno.args));

/**
 * `tcp.robustness`: (to be written).
 *
 * @module
 */
import type { Case } from "../../harness/case.ts";

/** The `tcp.robustness` group. */
export const robustnessCases: readonly Case[] = [];

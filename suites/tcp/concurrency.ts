/**
 * `tcp.concurrency`: (to be written).
 *
 * @module
 */
import type { Case } from "../../harness/case.ts";

/** The `tcp.concurrency` group. */
export const concurrencyCases: readonly Case[] = [];

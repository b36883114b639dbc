/**
 * `tcp.halfclose`: (to be written).
 *
 * @module
 */
import type { Case } from "../../harness/case.ts";

/** The `tcp.halfclose` group. */
export const halfcloseCases: readonly Case[] = [];

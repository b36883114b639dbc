/**
 * `tcp.backlog`: (to be written).
 *
 * @module
 */
import type { Case } from "../../harness/case.ts";

/** The `tcp.backlog` group. */
export const backlogCases: readonly Case[] = [];

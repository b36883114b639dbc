/**
 * `tcp.framing`: (to be written).
 *
 * @module
 */
import type { Case } from "../../harness/case.ts";

/** The `tcp.framing` group. */
export const framingCases: readonly Case[] = [];

/**
 * `discard/chargen/daytime/time`: (to be written).
 *
 * @module
 */
import type { Case } from "../../harness/case.ts";

/** The `discard/chargen/daytime/time` group. */
export const serviceCases: readonly Case[] = [];

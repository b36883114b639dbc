/**
 * `ports`: (to be written).
 *
 * @module
 */
import type { Case } from "../harness/case.ts";

/** The `ports` group. */
export const portsCases: readonly Case[] = [];

/**
 * `udp.datagram`: (to be written).
 *
 * @module
 */
import type { Case } from "../../harness/case.ts";

/** The `udp.datagram` group. */
export const datagramCases: readonly Case[] = [];

/**
 * The UDP suites, one file per group.
 *
 * @module
 */
import type { Case } from "../../harness/mod.ts";
import { basicCases } from "./basic.ts";
import { datagramCases } from "./datagram.ts";

/** Every UDP case, in listing order. */
export const udpCases: readonly Case[] = [...basicCases, ...datagramCases];

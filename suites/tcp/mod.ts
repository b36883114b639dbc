/**
 * The TCP suites, one file per group.
 *
 * @module
 */
import type { Case } from "../../harness/case.ts";
import { basicCases } from "./basic.ts";

/** Every TCP case, in listing order. */
export const tcpCases: readonly Case[] = [...basicCases];

/**
 * The TCP suites, one file per group.
 *
 * @module
 */
import type { Case } from "../../harness/mod.ts";
import { backlogCases } from "./backlog.ts";
import { basicCases } from "./basic.ts";
import { concurrencyCases } from "./concurrency.ts";
import { framingCases } from "./framing.ts";
import { halfcloseCases } from "./halfclose.ts";
import { robustnessCases } from "./robustness.ts";

/** Every TCP case, in listing order. */
export const tcpCases: readonly Case[] = [
  ...basicCases,
  ...framingCases,
  ...halfcloseCases,
  ...concurrencyCases,
  ...backlogCases,
  ...robustnessCases,
];

/**
 * Every scenario case sockspec ships, in listing order, and the profiles they speak.
 *
 * @module
 */
import type { Case } from "../harness/mod.ts";
import { portsCases } from "./ports.ts";
import { processCases } from "./process.ts";
import { serviceCases } from "./services/mod.ts";
import { tcpCases } from "./tcp/mod.ts";
import { udpCases } from "./udp/mod.ts";
export { SUITE_PROFILES } from "./profiles/mod.ts";

/** Every case, in listing order. */
export const ALL_CASES: readonly Case[] = [
  ...tcpCases,
  ...udpCases,
  ...portsCases,
  ...serviceCases,
  ...processCases,
];

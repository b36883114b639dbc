/**
 * `services`: the RFC 863/864/867/868 services (discard, chargen, daytime, time) over TCP and
 * UDP, one file per service. Each case applies to its own profile only.
 *
 * @module
 */
import type { Case } from "../../harness/mod.ts";
import { chargenCases } from "./chargen.ts";
import { daytimeCases } from "./daytime.ts";
import { discardCases } from "./discard.ts";
import { timeCases } from "./time.ts";

/** Every service case, in listing order. */
export const serviceCases: readonly Case[] = [
  ...discardCases,
  ...chargenCases,
  ...daytimeCases,
  ...timeCases,
];

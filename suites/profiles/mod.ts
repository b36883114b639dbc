/**
 * The built-in profiles, by name: what each speaks and how its requests and replies look.
 *
 * @module
 */
import type { Profile } from "../../harness/mod.ts";
import { echo } from "./echo.ts";
import { framedProfiles } from "./framed.ts";
import { servicesProfiles } from "./services.ts";

/**
 * Every built-in profile, by `--profile` name, as the suites know them: what the target speaks,
 * without a reference server (those live in `fixtures/` and are attached by the applications).
 */
export const SUITE_PROFILES: Readonly<Record<string, Profile>> = Object.fromEntries(
  [echo, ...framedProfiles, ...servicesProfiles].map((p) => [p.name, p]),
);

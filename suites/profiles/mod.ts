/**
 * The built-in profiles, by name.
 *
 * @module
 */
import type { Profile } from "../../harness/profile.ts";
import { echo } from "./echo.ts";
import { framedProfiles } from "./framed.ts";
import { servicesProfiles } from "./services.ts";

/** Every built-in profile, by `--profile` name. */
export const PROFILES: Readonly<Record<string, Profile>> = Object.fromEntries(
  [echo, ...framedProfiles, ...servicesProfiles].map((p) => [p.name, p]),
);

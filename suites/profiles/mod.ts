/**
 * The built-in profiles, by name.
 *
 * @module
 */
import type { Profile } from "../../harness/profile.ts";
import { echo } from "./echo.ts";

/** Every built-in profile, by `--profile` name. */
export const PROFILES: Readonly<Record<string, Profile>> = Object.fromEntries(
  [echo].map((p) => [p.name, p]),
);

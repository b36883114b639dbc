import type { Profile } from "../../harness/profile.ts";

/** The services profiles (to be written). */
export const servicesProfiles: readonly Profile[] = [];

import type { Profile } from "../../harness/profile.ts";

/** The framed profiles (to be written). */
export const framedProfiles: readonly Profile[] = [];

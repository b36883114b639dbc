/**
 * Protocol files: any protocol described in TOML (framing, limits, scenarios over named
 * connections), its scenarios replayed under sockspec's adversarial transformations as cases.
 *
 * @example
 * ```ts
 * import { loadProtocolFile } from "./mod.ts";
 * const kv = loadProtocolFile("suites/protocol/examples/kv.toml");
 * kv.cases.length > 0; // true
 * ```
 *
 * @module
 */
export { DEFAULT_COPIES, type Learn, protocolCases } from "./cases.ts";
export { protocolClientCases } from "./client_cases.ts";
export { isProtocolFile, loadProtocolFile } from "./load.ts";
export { LEARN_NOTHING, learnFrom, type RunningReference, type StartReference } from "./oracle.ts";
export { parseProtocol, ProtocolFileError } from "./parse.ts";
export { profileCases, type ProtocolProfile, protocolProfile } from "./profile.ts";
export type * from "./spec.ts";
export { type Transformation, TRANSFORMATIONS } from "./transform.ts";

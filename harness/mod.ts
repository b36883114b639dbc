/**
 * The sockspec harness: targets, TCP and UDP clients with deadlines, chunked sends, transcripts,
 * cases and the runner. Suites import from here; reports read {@linkcode RunReport}.
 *
 * @example
 * ```ts
 * import { parseTargets, runCases } from "./mod.ts";
 * import { ALL_CASES, PROFILES } from "../suites/mod.ts";
 * const report = await runCases(ALL_CASES, {
 *   targets: parseTargets(["tcp://127.0.0.1:7"]),
 *   profile: PROFILES.echo,
 *   seed: 1,
 * });
 * ```
 *
 * @module
 */
export type { AppliesTo, Case, CaseContext, Params } from "./case.ts";
export { CaseError, CaseFailure, CaseSkip, type Evidence, UsageError } from "./errors.ts";
export { loadProfile } from "./load_profile.ts";
export {
  type Framing,
  isRequestReply,
  type Profile,
  type RequestReplyProfile,
  samplePayload,
} from "./profile.ts";
export type { CaseResult, Outcome, RunReport, Summary, TranscriptEvent } from "./result.ts";
export { caseSeed, makeRng, type Rng } from "./rng.ts";
export { notApplicable, runCase, runCases, type RunOptions, runRepeated } from "./runner.ts";
export { randomCuts, splitBytes, type SplitPlan } from "./split.ts";
export {
  formatTarget,
  parseTarget,
  parseTargets,
  type Target,
  type Targets,
  type Transport,
} from "./target.ts";
export { ConnectFailed, type ReadResult, type SendResult, TcpClient } from "./tcp_client.ts";
export { Transcript } from "./transcript.ts";
export { type Datagram, UdpClient } from "./udp_client.ts";

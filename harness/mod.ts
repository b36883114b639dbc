/**
 * The sockspec engine: the case contract, the runner and its result tree, targets, TCP and UDP
 * clients with deadlines, split plans, transcripts, a seeded RNG, errors and hex dumps. It knows no
 * application: suites, fixtures, report writers and user profile modules build on this module and
 * on nothing else of the engine.
 *
 * @example
 * ```ts
 * import { type Case, makeTarget, runCases } from "./mod.ts";
 *
 * const echoed: Case = {
 *   id: "demo.echo",
 *   title: "One line comes back",
 *   requirement: "RFC 862: every byte sent comes back",
 *   appliesTo: { transport: "tcp" },
 *   async run(t) {
 *     const c = await t.connect();
 *     await c.send(new TextEncoder().encode("hi\n"));
 *     await c.expect(new TextEncoder().encode("hi\n"));
 *   },
 * };
 * using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * const serving = (async () => {
 *   const conn = await listener.accept();
 *   await conn.readable.pipeTo(conn.writable);
 * })();
 * const report = await runCases([echoed], {
 *   targets: { tcp: makeTarget("tcp", "127.0.0.1", listener.addr.port) },
 *   profile: { name: "echo", description: "echo", transports: ["tcp"], framing: { kind: "stream" } },
 *   seed: 1,
 * });
 * await serving;
 * console.log(report.summary.pass); // 1
 * ```
 *
 * @module
 */
export type {
  AppliesTo,
  Case,
  CaseContext,
  CaseHooks,
  Framing,
  Params,
  Profile,
  Reference,
  RequestReplyProfile,
  TcpHandler,
  UdpHandler,
} from "./case.ts";
export {
  type Adversary,
  type AdversaryOptions,
  type Pace,
  type ReceivedDatagram,
  type RequestEnd,
  type RunningAdversary,
  startAdversary,
  type TcpBehaviour,
  TcpPeer,
  type UdpBehaviour,
  UdpPeer,
} from "./client/adversary.ts";
export { clientContract, clientNotApplicable } from "./client/contract.ts";
export { type ClientExchange, exchangeWithClient } from "./client/exchange.ts";
export { CLIENT_WAIT_MS, type ClientRun, type ClientRunOptions, runClient } from "./client/run.ts";
export { type Quiet, ServerClock } from "./client/server_clock.ts";
export { type ClientContract, type ClientUnderTest, NO_CLIENT } from "./client/types.ts";
export { FIRST_SYN_RESEND_MS, NO_PROGRAM, RunTally, type SoloProbe } from "./context.ts";
export {
  CaseError,
  CaseFailure,
  CaseSkip,
  errorText,
  type Evidence,
  UsageError,
} from "./errors.ts";
export {
  byteHex,
  byteText,
  describeBytes,
  firstDifference,
  hexdump,
  hexPairs,
  printable,
} from "./hexdump.ts";
export { atDeadline, raceDeadline, TIMED_OUT } from "./_deadline.ts";
export { machineDir } from "./machine_dir.ts";
export { PartialRun, type RunMeta, UNFINISHED, writeFileAtomicSync } from "./partial.ts";
export { GUARDED_MARK, type GuardedProcess, spawnGuarded } from "./program/guarded.ts";
export { isRequestReply, requestReply, samplePayload, sampleRequest } from "./profile.ts";
export type {
  ProgramBuild,
  ProgramDeath,
  ProgramEnd,
  ProgramProcess,
  ProgramReport,
  ProgramSnapshot,
  ProgramStart,
  ProgramUnderTest,
  StartResult,
  StopResult,
} from "./watched_program.ts";
export { liveProcesses } from "./watched_program.ts";
export {
  type CaseResult,
  emptySummary,
  type EventKind,
  isProblem,
  type Outcome,
  OUTCOMES,
  problemCount,
  PROBLEMS,
  type RunReport,
  summarize,
  type Summary,
  type TargetInfo,
  TRANSCRIPT_BYTES_CAP,
  type TranscriptEvent,
} from "./result.ts";
export { caseSeed, makeRng, type Rng } from "./rng.ts";
export {
  notApplicable,
  runCase,
  runCases,
  type RunOptions,
  runRepeated,
  type RunShared,
} from "./runner.ts";
export { schedule, type Step, stepOf } from "./schedule.ts";
export { groupOf, matchesPrefix, selectCases } from "./select.ts";
export { randomCuts, splitBytes, type SplitPlan } from "./split.ts";
export {
  formatTarget,
  makeTarget,
  parseTarget,
  parseTargets,
  type Target,
  targetList,
  type Targets,
  type Transport,
} from "./target.ts";
export {
  ConnectFailed,
  type ConnectFailure,
  type ConnectOptions,
  DEFAULT_MAX_BUFFER,
  type ReadEnd,
  type ReadOptions,
  type ReadResult,
  type SendEnd,
  type SendResult,
  TcpClient,
  type TcpClientOptions,
} from "./tcp_client.ts";
export {
  type EventDetails,
  Transcript,
  TRANSCRIPT_EVENTS_CAP,
  TRANSCRIPT_HEAD,
  TRANSCRIPT_TAIL,
} from "./transcript.ts";
export { type Datagram, FULL_DATAGRAM, UdpClient, type UdpClientOptions } from "./udp_client.ts";
export {
  connectedUdpAvailable,
  probeUdp,
  type UdpProbeOptions,
  type UdpProbeResult,
} from "./udp_probe.ts";
export {
  CaseDeadline,
  OUTCOME_RULES,
  type Reachability,
  type Verdict,
  verdict,
  type VerdictFacts,
} from "./verdict.ts";
export { TOOL } from "./version.ts";
export { PendingWaits, replyBoundMs, WAITS } from "./waits.ts";

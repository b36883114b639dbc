/**
 * Watching the program under test through a run: when it dies, name how and pin the death on the
 * case that caused it, then start it again on fresh ports so the remaining cases test a live
 * server. The runner calls {@linkcode CrashWatch.beforeCase} and {@linkcode CrashWatch.afterCase}
 * around every case; {@linkcode CrashWatch.onDeath} hears of each death from the program.
 *
 * Pinning a death on a case: the cases running when it died are the suspects. One suspect is the
 * cause. Of several, each is run again alone, with the same seed, on a fresh start, in a fixed
 * order (`blameOrder()`): the first that kills the program again is the cause (confirmed); the
 * others get the verdicts of those reruns, against a live server (one that kills it on its own
 * rerun is a death of its own, with that one cause).
 *
 * @module
 */
import {
  type Case,
  type CaseResult,
  isProblem,
  type ProgramDeath,
  runCase,
  type RunOptions,
  stepOf,
  type Targets,
  WAITS,
} from "../../mod.ts";
import { blameOrder } from "../blame.ts";
import type { Death, ExecProgram } from "./launched_program.ts";
import type { RestartPolicy } from "./spec.ts";

/** At most this many launches in one run (first, restarts and reruns); then the run gives up. */
export const MAX_STARTS = 25;

/** A death being attributed: its suspects and their results as they come in. */
interface Pending {
  death: Death;
  suspects: Case[];
  results: Map<string, CaseResult>;
  verdicts: Map<string, CaseResult>;
  attributing: boolean;
  settled: Promise<void>;
  settle: () => void;
}

/** What a {@linkcode CrashWatch} watches, and how it restarts. */
export interface CrashWatchOptions {
  program: ExecProgram;
  /** `on-crash`: restart on fresh ports after a death; `never`: the remaining cases are not run. */
  restart: RestartPolicy;
  /** Prints one line as something happens (a death, a rerun, a restart). */
  note?: (line: string) => void;
}

/**
 * Attributes the program's deaths to cases and restarts it. Give its `onDeath` to the program,
 * `bind()` it to the run's options, and pass `beforeCase`/`afterCase` to the runner.
 *
 * @example
 * ```ts ignore
 * const watch = new CrashWatch({ program, restart: "on-crash" });
 * const options = { ...run, program, beforeCase: watch.beforeCase, afterCase: watch.afterCase };
 * watch.bind(options);
 * const report = await runCases(cases, options);
 * report.program = program.report(watch.deaths);
 * ```
 */
export class CrashWatch {
  /** Every death of the run, with its cause where one was found. */
  readonly deaths: ProgramDeath[] = [];
  readonly #program: ExecProgram;
  readonly #restart: RestartPolicy;
  readonly #note: (line: string) => void;
  readonly #inFlight = new Map<string, { c: Case; at: number }>();
  readonly #runStart = performance.now();
  #options: RunOptions | undefined;
  #pending: Pending | undefined;
  #busy: Promise<void> | undefined;
  #down: string | undefined;
  #confirming = false;
  #finished = false;

  /** @param options The program, the restart policy, where notes go. */
  constructor(options: CrashWatchOptions) {
    this.#program = options.program;
    this.#restart = options.restart;
    this.#note = options.note ?? (() => {});
  }

  /** The run's options, which the reruns of suspects use. */
  bind(options: RunOptions): void {
    this.#options = options;
  }

  /** For the runner (`RunOptions.targetDied`): whether the program has died in this run. */
  readonly died = (): boolean =>
    this.deaths.length > 0 || this.#pending !== undefined || !this.#program.running;

  /** Why the remaining cases are not run, once the program is down for good. */
  get down(): string | undefined {
    return this.#down;
  }

  /** For the program: a death sockspec did not ask for. */
  readonly onDeath = (death: Death): void => {
    if (this.#confirming || this.#pending) return; // the reruns, or the same death, look for it
    const suspects = [...this.#inFlight.values()].sort((a, b) => a.at - b.at).map((f) => f.c);
    const { promise, resolve } = Promise.withResolvers<void>();
    this.#pending = {
      death,
      suspects,
      results: new Map(),
      verdicts: new Map(),
      attributing: false,
      settled: promise,
      settle: resolve,
    };
    this.#note(
      `the program ${ended(death.exit.description)}${
        suspects.length > 0 ? ` while ${suspects.map((c) => c.id).join(", ")} ran` : ""
      }`,
    );
    this.#maybeAttribute();
  };

  /** For the runner: holds a case while the program restarts; ends it unrun when it is down. */
  readonly beforeCase = async (
    c: Case,
  ): Promise<{ targets?: Targets; notRun?: string } | undefined> => {
    for (;;) {
      if (this.#pending) await this.#pending.settled;
      else if (this.#busy) await this.#busy;
      else if (this.#down !== undefined) return { notRun: this.#down };
      else if (!this.#program.running) {
        await this.#program.exited(); // a death sockspec did not ask for is pending after this
        if (!this.#pending && !this.#program.running) await this.#bringBack();
      } else break;
    }
    this.#inFlight.set(c.id, { c, at: performance.now() });
    return { targets: this.#program.targets() };
  };

  /** For the runner: a case that was running when the program died waits for its verdict. */
  readonly afterCase = async (c: Case, result: CaseResult): Promise<CaseResult> => {
    // A program that dies as the case's last connection closes dies a moment after the case
    // ended, passed or not: a case run alone stays in flight until then, the one suspect. (Beside
    // others, only a problem waits: the others in flight are suspects, and reruns decide.)
    const wait = isProblem(result) || stepOf(c) !== "shared";
    if (!this.#pending && (wait ? await this.#diesSoon() : !this.#program.running)) {
      await this.#program.exited(); // its death, if sockspec did not ask for it, is pending now
    }
    const pending = this.#pending;
    if (pending?.suspects.includes(c)) {
      pending.results.set(c.id, result);
      this.#inFlight.delete(c.id);
      this.#maybeAttribute();
      await pending.settled;
      return pending.verdicts.get(c.id) ?? result;
    }
    this.#inFlight.delete(c.id);
    return result;
  };

  /**
   * Whether the program dies within a moment: a crash shows to the client before its exit. The
   * look ends as soon as the program is seen at rest twice in a row (`atRest`: every thread of it
   * asleep, so it has handled the closes of the case's connections and lives on), and at the
   * latest after three `WAITS.deathPollMs` (a program that never rests, such as one that spins).
   */
  async #diesSoon(): Promise<boolean> {
    const deadline = performance.now() + 3 * WAITS.deathPollMs;
    for (let rested = 0;;) {
      if (!this.#program.running) return true;
      if (rested >= 2 || performance.now() >= deadline) return false;
      rested = this.#program.atRest ? rested + 1 : 0;
      if (rested < 2) await new Promise((resolve) => setTimeout(resolve, WAITS.restPollMs));
    }
  }

  /** Starts the attribution once every suspect has its result. */
  #maybeAttribute(): void {
    const p = this.#pending;
    if (!p || p.attributing || p.suspects.some((c) => !p.results.has(c.id))) return;
    p.attributing = true;
    this.#attribute(p).finally(() => {
      this.#pending = undefined;
      this.#bringBack(this.deaths.at(-1));
      p.settle();
    });
  }

  async #attribute(p: Pending): Promise<void> {
    const { death, suspects } = p;
    const record: ProgramDeath = {
      at: new Date(performance.timeOrigin + death.at).toISOString(),
      atMs: Math.max(0, Math.round(death.at - this.#runStart)),
      description: death.exit.description,
      code: death.exit.code,
      signal: death.exit.signal,
      inFlight: suspects.map((c) => c.id),
      confirmed: false,
      attribution: "",
      stderrTail: death.stderrTail,
    };
    this.deaths.push(record);
    try {
      if (suspects.length === 0) {
        record.attribution = "No case was running when it died";
      } else if (suspects.length === 1) {
        const only = suspects[0];
        record.cause = only.id;
        record.attribution = `${only.id} was the only case running when it died`;
        const first = p.results.get(only.id)!;
        // A case that found it could not measure (the program died under the least it asks)
        // keeps its skip: the case of the bug that killed it fails for it.
        if (first.outcome !== "skip") {
          p.verdicts.set(only.id, killedBy(first, record, "the only case running"));
        }
      } else {
        await this.#confirm(p, record);
      }
    } catch (e) {
      record.attribution ||= `sockspec could not rerun the suspects: ${e}`;
    }
  }

  /**
   * Reruns each suspect alone on a live program, in a fixed order (`blameOrder()`): the first
   * that kills it again is the cause. A later one that kills it too is a death of its own, on its
   * own rerun, with that one cause; the others get the verdicts of their reruns.
   */
  async #confirm(p: Pending, record: ProgramDeath): Promise<void> {
    const options = this.#options;
    if (!options) throw new Error("CrashWatch.bind() was not called");
    const order = blameOrder(p.suspects);
    const ids = order.map((c) => c.id);
    this.#note(`rerunning ${ids.join(", ")} one at a time to find the one that kills the program`);
    let culprit: string | undefined;
    this.#confirming = true;
    try {
      for (const c of order) {
        if (!this.#program.running) {
          if (this.#program.starts >= MAX_STARTS) break;
          const started = await this.#program.startFresh("confirm");
          if (!started.ok) break;
        }
        const startedAt = performance.now();
        const rerun = await runCase(c, {
          ...options,
          targets: this.#program.targets(),
          program: this.#program,
          beforeCase: undefined,
          afterCase: undefined,
          repeat: 1,
        });
        const others = ids.filter((id) => id !== c.id).join(", ");
        if (await this.#diesSoon()) {
          const exit = await this.#program.exited();
          if (culprit === undefined) {
            culprit = c.id;
            const how = "confirmed: rerun alone on a fresh start with the same seed, one at a " +
              `time in a fixed order (${ids.join(", ")}), it was the first that killed the ` +
              "program again";
            p.verdicts.set(c.id, killedBy(p.results.get(c.id)!, record, how));
            continue;
          }
          const own: ProgramDeath = {
            at: new Date().toISOString(),
            atMs: Math.max(0, Math.round(startedAt - this.#runStart)),
            description: exit?.description ?? record.description,
            code: exit?.code ?? null,
            signal: exit?.signal ?? null,
            inFlight: [c.id],
            cause: c.id,
            confirmed: true,
            attribution: `${c.id}, rerun alone on a fresh start after the death blamed on ` +
              `${culprit}, killed the program on its own`,
            stderrTail: this.#program.stderrTail(),
          };
          this.deaths.push(own);
          p.verdicts.set(
            c.id,
            killedBy(rerun, own, `rerun alone after the death blamed on ${culprit}`),
          );
        } else {
          p.verdicts.set(c.id, {
            ...rerun,
            message: joinSentences(
              `Rerun alone after the program died while it ran beside ${others}${
                culprit ? ` (blamed on ${culprit})` : ""
              }; the program survived it`,
              rerun.message,
            ),
          });
        }
      }
    } finally {
      this.#confirming = false;
    }
    if (culprit !== undefined) {
      record.cause = culprit;
      record.confirmed = true;
      record.attribution = `sockspec reran the ${ids.length} cases running when it died ` +
        `(${ids.join(", ")}) one at a time in that order with the same seed, each on a fresh ` +
        `start: ${culprit} was the first that killed it again`;
      return;
    }
    // None killed it alone: the first of the suspects that saw a problem, in the same fixed
    // order, carries the death (not confirmed); the others keep the verdicts of their reruns.
    const blamed = order.find((c) => isProblem(p.results.get(c.id)!));
    record.attribution = `sockspec reran the ${ids.length} cases running when it died ` +
      `(${ids.join(", ")}) one at a time with the same seed: none killed it again alone, so ` +
      "the cause is not confirmed (the crash may depend on timing, or on cases running at once)" +
      (blamed ? `; it is reported on ${blamed.id}, the first of them that saw a problem` : "");
    if (blamed) {
      record.cause = blamed.id;
      const others = ids.filter((id) => id !== blamed.id).join(", ");
      const how = `one of ${ids.length} cases running, with ${others}; rerun one at a time, none ` +
        "killed it again, so which one did is not confirmed: the first in a fixed order that saw " +
        "a problem carries it";
      p.verdicts.set(blamed.id, killedBy(p.results.get(blamed.id)!, record, how));
    }
  }

  /**
   * At the end of the run: waits for a death still being attributed, and restarts nothing more.
   */
  async finish(): Promise<void> {
    this.#finished = true;
    while (this.#pending || this.#busy) await (this.#pending?.settled ?? this.#busy);
  }

  /** Starts the program again on fresh ports, or marks it down for good; one at a time. */
  #bringBack(death?: ProgramDeath): Promise<void> {
    if (this.#busy) return this.#busy;
    const busy: Promise<void> = this.#restartOrGiveUp(death).finally(() => {
      if (this.#busy === busy) this.#busy = undefined;
    });
    this.#busy = busy;
    return busy;
  }

  async #restartOrGiveUp(death?: ProgramDeath): Promise<void> {
    if (this.#program.running || this.#down !== undefined || this.#finished) return;
    const since = death?.cause ?? death?.inFlight[0];
    const what = death
      ? `the program ${ended(death.description)}${since ? ` during ${since}` : ""}`
      : "the program was stopped and did not start again";
    if (this.#restart === "never") {
      this.#down = `Not run: ${what}, and --restart is never`;
      return;
    }
    if (this.#program.starts >= MAX_STARTS) {
      this.#down = `Not run: ${what}; sockspec gave up after ${MAX_STARTS} starts`;
      return;
    }
    this.#note("restarting the program on fresh ports");
    const started = await this.#program.startFresh("restart");
    if (!started.ok) {
      this.#down = `Not run: ${what}, and it did not start again: ${started.message}`;
    }
  }
}

/** A suspect's result turned into the fail that names the death. */
function killedBy(first: CaseResult, death: ProgramDeath, how: string): CaseResult {
  const when = `${(death.atMs / 1000).toFixed(1)} s into the run`;
  const { expectedHex: _e, actualHex: _a, ...rest } = first;
  return {
    ...rest,
    outcome: "fail",
    message: joinSentences(
      `The program under test ${ended(death.description)}, ${when}, during this case (${how})`,
      first.message ? `What the case saw: ${first.message}` : "",
    ),
    expected: "the program keeps running and serving",
    actual: [death.description, ...death.stderrTail.slice(-3).map((l) => `stderr: ${l}`)]
      .join("; "),
  };
}

function joinSentences(...parts: string[]): string {
  return parts.filter((p) => p !== "").map((p) => p.endsWith(".") ? p : `${p}.`).join(" ");
}

/** `was killed by SIGSEGV …` or `exited with status 3`: how a program ended, after its subject. */
function ended(description: string): string {
  return description.startsWith("killed") ? `was ${description}` : description;
}

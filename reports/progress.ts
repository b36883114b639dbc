/**
 * A live status line for a terminal: lines printed through it go above, the status line is
 * redrawn below them in place.
 *
 * @example
 * ```ts
 * import { ProgressLine } from "./progress.ts";
 * const enc = new TextEncoder();
 * const p = new ProgressLine((s) => Deno.stderr.writeSync(enc.encode(s)));
 * p.update("[ 1/40] tcp.basic · 0.1 s");
 * p.print("FAIL   tcp.basic.single-request  One request gets its reply");
 * p.clear();
 * ```
 */
export class ProgressLine {
  #write: (text: string) => void;
  #columns: () => number;
  #status = "";

  /**
   * @param write Writes raw text to the terminal.
   * @param columns The terminal's width (default 80).
   */
  constructor(write: (text: string) => void, columns: () => number = () => 80) {
    this.#write = write;
    this.#columns = columns;
  }

  /**
   * A progress line drawn on a terminal stream (stdout or stderr), as wide as the terminal.
   *
   * @example
   * ```ts
   * import { ProgressLine } from "./progress.ts";
   * const p = ProgressLine.on(Deno.stderr);
   * ```
   */
  static on(stream: { writeSync(p: Uint8Array): number }): ProgressLine {
    const enc = new TextEncoder();
    return new ProgressLine((text) => stream.writeSync(enc.encode(text)), () => {
      try {
        return Deno.consoleSize().columns;
      } catch {
        return 80;
      }
    });
  }

  /** Replaces the status line (plain text, cut to the terminal's width). */
  update(status: string): void {
    // A terminal that reports no sensible width (0 under some pseudo-terminals) gets 80.
    const columns = this.#columns();
    const width = (columns >= 20 ? columns : 80) - 1;
    this.#status = status.length > width ? status.slice(0, width - 1) + "…" : status;
    this.#write(`\r\x1b[2K${this.#status}`);
  }

  /** Prints a line above the status line. */
  print(line: string): void {
    this.#write(`\r\x1b[2K${line}\n${this.#status}`);
  }

  /** Clears the status line, leaving the cursor at the start of an empty line. */
  clear(): void {
    this.#write("\r\x1b[2K");
    this.#status = "";
  }
}

/**
 * The status text of a run: cases done of total, the group running, elapsed time, problems so far.
 *
 * @example
 * ```ts
 * import { progressText } from "./progress.ts";
 * progressText(12, 40, "tcp.framing", 3200, 1); // "[12/40] tcp.framing · 3.2 s · 1 failing"
 * ```
 */
export function progressText(
  done: number,
  total: number,
  group: string,
  elapsedMs: number,
  failing = 0,
): string {
  const count = `[${String(done).padStart(String(total).length)}/${total}]`;
  const parts = [`${count} ${group || "starting"}`, `${(elapsedMs / 1000).toFixed(1)} s`];
  if (failing > 0) parts.push(`${failing} failing`);
  return parts.join(" · ");
}

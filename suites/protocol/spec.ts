/**
 * What a protocol file says, once parsed and checked: the protocol's framing and limits, its
 * scenarios, and the steps of each over named connections. {@linkcode parseProtocol} builds it.
 *
 * @module
 */

/** How messages are delimited on a TCP connection. */
export type WireFraming =
  /** No framing: a message is what a step says, byte for byte. */
  | { kind: "stream" }
  /** A message ends with `delimiter` (e.g. `\r\n`), included in the step's bytes. */
  | { kind: "delimiter"; delimiter: Uint8Array }
  /** A big-endian length of `bytes` bytes, then that many payload bytes. */
  | { kind: "length"; bytes: 2 | 4 }
  /** A fixed header of `size` bytes with a big-endian payload length of `bytes` bytes at `at`. */
  | { kind: "header"; size: number; at: number; bytes: 1 | 2 | 4 };

/** A byte class a random placeholder draws from. */
export type ByteClass = "alnum" | "letters" | "digits" | "hex" | "bytes";

/** A placeholder the file defines: `n` seeded random bytes of a class, new for each copy. */
export interface RandomPlaceholder {
  random: number;
  class: ByteClass;
}

/** Bytes a step gives as written: fixed, or a template with `{name}` placeholders. */
export type PlainPayload =
  /** Fixed bytes (from `hex`, or `text` without placeholders). */
  | { kind: "bytes"; bytes: Uint8Array }
  /** Text with placeholders, filled for each copy of the scenario. */
  | { kind: "template"; text: string };

/**
 * Bytes a step gives: plain, or a whole message of a length-framed protocol (`header = "HEX"`),
 * whose length field sockspec fills around the body.
 */
export type Payload =
  | PlainPayload
  /**
   * `head` is the header without its length field; the big-endian length of `body` (`bytes`
   * bytes) goes in at offset `at`, and `body` follows the header.
   */
  | { kind: "framed"; head: Uint8Array; at: number; bytes: 1 | 2 | 4; body: PlainPayload };

/** What an `expect` step wants to read. */
export type Expectation =
  /** This message exactly. */
  | { kind: "exact"; payload: Payload }
  /** A message whose text matches; named parts may differ from the reference's and fill later steps. */
  | { kind: "regex"; regex: RegExp; source: string }
  /** A message of this many bytes (framing included). */
  | { kind: "length"; length: number }
  /** No byte for this many milliseconds. */
  | { kind: "nothing"; ms: number }
  /** An orderly close (FIN): recv() returns 0. */
  | { kind: "eof" }
  /** An abortive close (RST). */
  | { kind: "reset" }
  /** Either: the target closes the connection somehow. */
  | { kind: "closed" }
  /** One message, whatever the reference program replies to the same steps. */
  | { kind: "learned" };

/** One step of a scenario, on connection `on`, from `line` of the file. */
export type Step =
  | { op: "open"; on: string; transport: "tcp" | "udp"; line: number }
  | { op: "send"; on: string; payload: Payload; line: number }
  | { op: "expect"; on: string; want: Expectation; line: number }
  | { op: "shutdown"; on: string; line: number }
  | { op: "close"; on: string; line: number }
  | { op: "abort"; on: string; line: number };

/** A scenario: a requirement and the steps that check it. */
export interface Scenario {
  /** Short name, used in case ids: `set-get`. */
  name: string;
  /** The requirement it checks, quoted in every case made from it. */
  requirement: string;
  /** The transformations made from it (default: every one that applies). */
  transformations: readonly string[];
  /** Copies of it would disturb each other (a broadcast reaches every client): no copies. */
  alone: boolean;
  steps: readonly Step[];
  /** Where `[[scenario]]` opens, for messages. */
  line: number;
  /** This scenario's own reference command, overriding the file's. */
  reference?: string;
}

/**
 * The client's contract (`[client]`): what a client program under `--client` gets and must print
 * for each scenario sockspec plays from the server's side.
 */
export interface ClientSide {
  /**
   * Appended to the `--client` command line: `{host}`, `{port}` and the scenario's placeholders
   * (`{token}`, random ones) filled in (default none).
   */
  args: string;
  /** What the client reads on stdin: the scenario's requests as sent (default), or nothing. */
  stdin: "requests" | "nothing";
  /** What a correct client prints: every reply as it came (default), or nothing that is judged. */
  stdout: "replies" | "nothing";
  /**
   * When a correct client exits: after the last reply it is owed (default: it counts them), or
   * when the server closes (`at-close`: a client that cannot count replies, as a chat client
   * whose SAY gets none). A close or reset in the middle of a reply is an error either way.
   */
  ends: "after-replies" | "at-close";
}

/** A parsed and checked protocol file. */
export interface ProtocolSpec {
  /** The file, as given (for messages and the report's profile column). */
  path: string;
  name: string;
  description: string;
  transports: readonly ("tcp" | "udp")[];
  framing: WireFraming;
  /** Largest message, in bytes. */
  maxMessage: number;
  /** Bytes a message payload may not hold. */
  forbidden: readonly number[];
  /** Clients may send several requests before reading a reply. */
  pipelining: boolean;
  /** Clients may shut down writing after their last request and still get the replies. */
  halfClose: boolean;
  placeholders: Readonly<Record<string, RandomPlaceholder>>;
  /** `CMD {port}`: the reference program, the oracle for replies the file does not spell out. */
  reference?: string;
  /** The scenario that checks a fresh client is still served (default: the first). */
  probe: string;
  /** The client's contract under `--client`. */
  client: ClientSide;
  scenarios: readonly Scenario[];
}

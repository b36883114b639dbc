/**
 * The ports a program's sockets are bound to, read from `/proc`: which ports it listens on, whatever
 * it was told.
 *
 * @module
 */
import { netRows } from "./_net_table.ts";
import { fdLinks, readText } from "./_proc.ts";

/** The ports a set of processes has sockets bound to. */
export interface BoundPorts {
  /** TCP ports in the LISTEN state, ascending, each once (IPv4 and IPv6). */
  tcp: number[];
  /**
   * UDP ports of bound, unconnected sockets, ascending, each once (IPv4 and IPv6). A connected UDP
   * socket is a client's, and is left out.
   */
  udp: number[];
}

/**
 * The TCP ports in LISTEN state and the bound UDP ports of a set of processes' sockets, such as a
 * program's whole process tree: maps each `socket:[INODE]` in `/proc/PID/fd` to
 * `/proc/PID/net/tcp`, `tcp6`, `udp` and `udp6`.
 *
 * @param pids The process ids; those that are gone are skipped.
 * @param only Read the tables of this transport alone (the other list is empty): the TCP tables
 * list every connection of the machine, so leaving them out is much quicker on a busy one.
 * @returns The ports.
 *
 * @example
 * ```ts
 * import { assert, assertEquals } from "@std/assert";
 * import { type BoundPorts, socketPorts } from "./listening_ports.ts";
 * const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * const socket = Deno.listenDatagram({ hostname: "127.0.0.1", port: 0, transport: "udp" });
 * try {
 *   const port = (socket.addr as Deno.NetAddr).port;
 *   const mine: BoundPorts = socketPorts([Deno.pid]);
 *   assertEquals(mine.udp.filter((p) => p === port), [port]);
 *   assert(mine.tcp.includes(listener.addr.port));
 *   assertEquals(socketPorts([999_999_999]), { tcp: [], udp: [] }); // no such process
 * } finally {
 *   listener.close();
 *   socket.close();
 * }
 * ```
 */
export function socketPorts(pids: readonly number[], only?: "tcp" | "udp"): BoundPorts {
  const inodes = new Set<string>();
  let netnsPid: number | undefined;
  for (const pid of pids) {
    for (const link of fdLinks(pid)) {
      const match = /^socket:\[(\d+)\]$/.exec(link);
      if (match === null) continue;
      inodes.add(match[1]);
      netnsPid ??= pid;
    }
  }
  if (netnsPid === undefined) return { tcp: [], udp: [] };
  const net = `/proc/${netnsPid}/net`; // the tables of the program's network namespace
  return {
    tcp: only === "udp" ? [] : ascending([
      ...ports(`${net}/tcp`, inodes, LISTEN),
      ...ports(`${net}/tcp6`, inodes, LISTEN),
    ]),
    udp: only === "tcp" ? [] : ascending([
      ...ports(`${net}/udp`, inodes, UNCONNECTED),
      ...ports(`${net}/udp6`, inodes, UNCONNECTED),
    ]),
  };
}

/** Socket states in the `/proc/net` tables: TCP_LISTEN, and TCP_CLOSE (an unconnected UDP socket). */
const LISTEN = "0A";
const UNCONNECTED = "07";

/** Local ports of the table's sockets that are in `state` and whose inode is in `inodes`. */
function ports(table: string, inodes: Set<string>, state: string): number[] {
  const found: number[] = [];
  const text = state === LISTEN ? listeningRows(table) : readText(table);
  for (const row of netRows(text ?? "")) {
    if (row.state === state && inodes.has(row.inode) && row.localPort > 0) {
      found.push(row.localPort);
    }
  }
  return found;
}

/**
 * The head of a TCP table up to its last LISTEN row. The kernel lists listening sockets before
 * every other (`tcp_seq_next()`: the listening hash, then the established one), so reading stops
 * at the first row in another state: on a machine with 100 000 connections in TIME_WAIT, the
 * whole table takes a few hundred milliseconds to read, its head microseconds.
 */
function listeningRows(table: string): string | undefined {
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(table);
  } catch {
    return undefined;
  }
  const decoder = new TextDecoder();
  const chunk = new Uint8Array(16 * 1024);
  let text = "";
  try {
    for (;;) {
      const n = file.readSync(chunk);
      if (n === null || n === 0) return text;
      text += decoder.decode(chunk.subarray(0, n), { stream: true });
      const rows = text.split("\n");
      // Complete rows after the header; the last piece may be a row cut in two.
      const past = rows.slice(1, -1).findIndex((r) => r.trim().split(/\s+/)[3] !== LISTEN);
      if (past >= 0) return rows.slice(0, past + 1).join("\n");
    }
  } catch {
    return text;
  } finally {
    file.close();
  }
}

function ascending(values: number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

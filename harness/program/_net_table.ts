/**
 * The rows of the kernel's socket tables, `/proc/net/tcp`, `tcp6`, `udp` and `udp6` (or those of
 * a process's network namespace, `/proc/PID/net/…`): one parser for every reader of them.
 *
 * @module
 */

/** One socket of a table. */
export interface NetRow {
  /** Its local port. */
  localPort: number;
  /** Its peer's port (0 for a listening or unconnected socket). */
  remotePort: number;
  /** Its state, two hex digits as the table gives it (`0A`: TCP_LISTEN, `07`: TCP_CLOSE). */
  state: string;
  /** Bytes received and not read yet by its owner. */
  rxQueue: number;
  /** Its inode, as in the `socket:[INODE]` links of `/proc/PID/fd`. */
  inode: string;
}

/**
 * The sockets of a table's text (its header line is skipped, and so are cut or empty rows).
 *
 * @example
 * ```ts
 * import { netRows } from "./_net_table.ts";
 * const text = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n" +
 *   "   0: 0100007F:1F90 0100007F:D431 01 00000000:00000003 00:00000000 00000000     0        0 4242";
 * console.log(netRows(text)); // [{ localPort: 8080, remotePort: 54321, state: "01", rxQueue: 3, inode: "4242" }]
 * ```
 */
export function netRows(text: string): NetRow[] {
  const rows: NetRow[] = [];
  for (const line of text.split("\n").slice(1)) {
    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    rows.push({
      localPort: port(f[1]),
      remotePort: port(f[2]),
      state: f[3],
      rxQueue: parseInt(f[4].slice(f[4].indexOf(":") + 1), 16),
      inode: f[9],
    });
  }
  return rows;
}

/** The port of an `ADDRESS:PORT` field, both in hex. */
function port(field: string): number {
  return parseInt(field.slice(field.lastIndexOf(":") + 1), 16);
}

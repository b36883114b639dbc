/**
 * How many bytes the other end of a loopback connection has received and not read yet: the
 * `rx_queue` of its socket in `/proc/net/tcp` (or `tcp6`). A server playing against a client under
 * test waits on it between the pieces of a cut reply, so that each piece meets a client blocked in
 * recv() instead of piling up behind the last one: how the reads split no longer depends on how
 * quickly the client was scheduled. Unknown (undefined) where `/proc` cannot be read (Deno reads it
 * only under `--allow-all`), or the socket is not listed (not on this machine, or closed).
 *
 * @module
 */
import { netRows } from "./program/_net_table.ts";

/**
 * The bytes queued unread at the peer of the connection from `local` to `remote`, or undefined.
 *
 * @example
 * ```ts
 * import { peerUnread } from "./_peer_unread.ts";
 * const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * const client = await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
 * const server = await listener.accept();
 * await server.write(new Uint8Array(3));
 * // Where /proc can be read: 3 bytes wait at the client, which has not read them.
 * console.log(await peerUnread(server.localAddr, server.remoteAddr)); // 3, or undefined
 * client.close();
 * server.close();
 * listener.close();
 * ```
 */
export async function peerUnread(
  local: Deno.Addr,
  remote: Deno.Addr,
): Promise<number | undefined> {
  if (local.transport !== "tcp" || remote.transport !== "tcp") return undefined;
  const table = remote.hostname.includes(":") ? "/proc/net/tcp6" : "/proc/net/tcp";
  let text: string;
  try {
    text = await Deno.readTextFile(table);
  } catch {
    return undefined;
  }
  // The peer's row: its local port is our remote one, its remote port our local one.
  const row = netRows(text).find((r) => r.localPort === remote.port && r.remotePort === local.port);
  return row?.rxQueue;
}

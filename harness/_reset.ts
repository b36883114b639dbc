/**
 * Resetting an accepted TCP connection (RST, not FIN). Deno's `close()` shuts the sending side
 * down first, so the peer sees EOF and only a later write fails; a real reset needs the socket:
 * its descriptor is found among `/proc/self/fd` by its ports (`getsockname()`, `getpeername()`),
 * and `connect()` with `AF_UNSPEC` (libc, through `Deno.dlopen`) makes Linux abort the connection
 * with a RST (`tcp_disconnect()`), the same RST that `SO_LINGER` 0 and `close()` send.
 *
 * @module
 */

const SYMBOLS = {
  connect: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  getsockname: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  getpeername: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
} as const;

type Libc = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

/**
 * Aborts `conn` with a RST when this process may use FFI and read `/proc` (Linux, `--allow-all`);
 * the caller closes it afterwards either way. Returns false when it could not (then a close sends
 * FIN, and a RST only follows when bytes were left unread).
 */
export function sendReset(conn: Deno.TcpConn): boolean {
  let lib: Deno.DynamicLibrary<typeof SYMBOLS>;
  try {
    lib = Deno.dlopen("libc.so.6", SYMBOLS);
  } catch {
    return false; // no FFI permission, or no libc.so.6
  }
  try {
    const local = (conn.localAddr as Deno.NetAddr).port;
    const remote = (conn.remoteAddr as Deno.NetAddr).port;
    const fd = socketFd(lib.symbols, local, remote);
    // A struct sockaddr whose sa_family is AF_UNSPEC (0): "disconnect".
    return fd !== undefined && lib.symbols.connect(fd, new Uint8Array(16), 16) === 0;
  } catch {
    return false; // no /proc
  } finally {
    lib.close();
  }
}

/** The descriptor of this process's TCP socket from `local` to `remote` port, if there is one. */
function socketFd(libc: Libc, local: number, remote: number): number | undefined {
  const port = (call: "getsockname" | "getpeername", fd: number) => {
    const address = new Uint8Array(128);
    const length = new Uint32Array([address.length]);
    if (libc[call](fd, address, new Uint8Array(length.buffer)) !== 0) return -1;
    return (address[2] << 8) | address[3]; // sin_port and sin6_port: big-endian, at offset 2
  };
  for (const entry of Deno.readDirSync("/proc/self/fd")) {
    const fd = Number(entry.name);
    try {
      if (!Deno.readLinkSync(`/proc/self/fd/${fd}`).startsWith("socket:")) continue;
    } catch {
      continue; // closed meanwhile
    }
    if (port("getsockname", fd) === local && port("getpeername", fd) === remote) return fd;
  }
  return undefined;
}

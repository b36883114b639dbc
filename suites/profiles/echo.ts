/**
 * The `echo` profile (RFC 862): every byte sent comes back.
 *
 * @module
 */
import type { Profile } from "../../harness/mod.ts";

/** RFC 862 echo over TCP and UDP: every byte (or datagram) sent comes back unchanged. */
export const echo: Profile = {
  name: "echo",
  description: "RFC 862 echo: every byte sent comes back, in order, until the client closes",
  transports: ["tcp", "udp"],
  framing: { kind: "stream" },
  encode: (payload) => payload,
  expectedReply: (request) => request,
};

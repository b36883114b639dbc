/**
 * The client cases (`client.tcp.*`, `client.udp.*`): each runs the client under test (`--client`)
 * once against an adversarial server of its own and judges what the server received, what the
 * client printed, how it exited and when.
 *
 * @module
 */
import type { ClientCase } from "./_client_case.ts";
import { tcpClientCases } from "./tcp.ts";
import { udpClientCases } from "./udp.ts";

export type { ClientCase } from "./_client_case.ts";

/** Every client case, in listing order. */
export const CLIENT_CASES: readonly ClientCase[] = [...tcpClientCases, ...udpClientCases];

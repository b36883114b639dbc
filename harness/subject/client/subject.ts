/**
 * The client subject: a client program the client cases run once per case against servers of
 * their own (`--client`, a roster row's `client`, `client` of the testing entry). It serves no
 * targets and leaves no section in the report; its runner options carry the client.
 *
 * @module
 */
import { CLIENT_CASES } from "../../../suites/client/mod.ts";
import type { ClientUnderTest } from "../../mod.ts";
import { reproduceCommand } from "../run_flags.ts";
import type { Subject } from "../subject.ts";
import { checkClient, CLIENT_CONCURRENCY, withClient } from "./client.ts";

/**
 * The subject that tests `client`.
 *
 * @example
 * ```ts
 * import { clientSubject } from "./subject.ts";
 * clientSubject({ command: "./client {host} {port}" }).cases[0].id; // "client.tcp.byte-segments"
 * ```
 */
export function clientSubject(client: ClientUnderTest): Subject {
  return {
    kind: "client",
    cases: CLIENT_CASES,
    list: CLIENT_CASES,
    concurrency: CLIENT_CONCURRENCY,
    client,
    declared: () => ({}),
    check: (profile) => checkClient(client, profile),
    reproduce: (flags, profileSpec, id) =>
      withClient(reproduceCommand(flags, {}, profileSpec, id), client),
    open: () =>
      Promise.resolve({
        ok: true,
        targets: () => ({}),
        options: (base) => ({ ...base, client }),
        close: () => Promise.resolve(undefined),
      }),
  };
}

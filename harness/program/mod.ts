/**
 * The program under test: launching a student's server or client from its command line
 * (`./server {port}`) in a process group and session of its own with resource limits, waiting
 * until it serves its ports, watching it through `/proc`, naming how it died (`killed by SIGPIPE
 * (signal 13): a write to a socket whose peer had closed or reset it ...`) and killing it with
 * everything it forked. Linux only: it needs `setsid` and `prlimit` (util-linux) and `/proc`.
 *
 * Each file re-exported here holds one idea: a function, or a pair that goes together such as
 * `readProcess()` and `cpuTimeMs()`, with its types. Files whose names start with `_` are private.
 * (`export *` rather than a list of names because `deno test --doc` imports every name a file
 * exports into each of its examples and fails the unused ones under `noUnusedLocals`,
 * denoland/deno#26900; for the same reason an example names everything its file exports.)
 *
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { commandArgv, fillPlaceholders, launch, waitReady } from "./mod.ts";
 * const free = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * const port = free.addr.port;
 * free.close(); // a free port to give the server
 * const line = "python3 -c 'import socket, sys, time; s = socket.socket(); " +
 *   "s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(); time.sleep(30)' {host} {port}";
 * const argv = commandArgv(fillPlaceholders(line, { host: "127.0.0.1", tcp: port }));
 * await using server = launch({ argv, label: "server" });
 * const ready = await waitReady(server, { tcp: { host: "127.0.0.1", port } });
 * assert(ready.ok, ready.ok ? "" : ready.message);
 * ```
 *
 * @module
 */
export * from "./asleep.ts";
export * from "./can_read_proc.ts";
export * from "./check_command.ts";
export * from "./command_argv.ts";
export * from "./command_error.ts";
export * from "./describe_exit.ts";
export * from "./fd_count.ts";
export * from "./guarded.ts";
export * from "./launch.ts";
export * from "./limits.ts";
export * from "./listening_ports.ts";
export * from "./needs_shell.ts";
export * from "./parse_command.ts";
export * from "./placeholders.ts";
export * from "./process_info.ts";
export * from "./program.ts";
export * from "./read_process.ts";
export * from "./ready.ts";
export * from "./rss_bytes.ts";
export * from "./signal_cause.ts";
export * from "./signal_name.ts";

import { assertEquals, assertThrows } from "@std/assert";
import { parseArgs } from "@std/cli/parse-args";
import { UsageError } from "../../mod.ts";
import {
  DEFAULT_READY_TIMEOUT_MS,
  EXEC_FLAGS,
  execFlagsText,
  execTransports,
  readExecFlags,
} from "./spec.ts";

const read = (args: string[]) => readExecFlags(parseArgs(args, EXEC_FLAGS));

Deno.test("readExecFlags() reads the command and its companions", () => {
  const spec = read([
    "--exec",
    "'./my server' {port}",
    "--cwd",
    "hw 1",
    "--build",
    "make",
    "--ready-timeout",
    "3000",
    "--limit",
    "files=64",
    "--limit",
    "memory=512M",
    "--restart",
    "never",
  ]);
  assertEquals(spec, {
    command: "'./my server' {port}",
    cwd: "hw 1",
    build: "make",
    buildTimeoutMs: 120_000,
    readyTimeoutMs: 3000,
    limits: { files: 64, memory: 512 * 1024 ** 2 },
    restart: "never",
    host: "127.0.0.1",
  });
  assertEquals(read([]), undefined);
});

Deno.test("readExecFlags() refuses a command sockspec cannot give a port to, in one line", () => {
  const cases: [string[], string][] = [
    [["--exec", "./server 8080"], 'The command "./server 8080" has no port placeholder'],
    [["--exec", "./server {host}"], "has no port placeholder"],
    [["--exec", "./server {prot}"], 'Unknown placeholder "{prot}"'],
    [["--exec", "./server '{port}"], "Unterminated single quote"],
    [["--exec", "  "], "The command of --exec is empty"],
    [["--exec", "./s {port}", "--build", "make {port}"], "may not use placeholders"],
    [["--exec", "./s {port}", "--limit", "files=lots"], 'Cannot parse limit "files=lots"'],
    [["--exec", "./s {port}", "--restart", "always"], "on-crash or never"],
    [["--exec", "./s {port}", "--ready-timeout", "0"], "--ready-timeout"],
    [["--cwd", "x"], "Option --cwd needs --exec"],
    [["--limit", "files=3"], "Option --limit needs --exec"],
  ];
  for (const [args, message] of cases) {
    const e = assertThrows(() => read(args), UsageError);
    assertEquals(e.message.includes(message), true, `${args.join(" ")}: ${e.message}`);
    assertEquals(e.message.includes("\n"), false);
  }
});

Deno.test("execTransports() follows the placeholders, {port} taking the profile's transports", () => {
  assertEquals(execTransports("./s {port}", ["tcp", "udp"]), ["tcp", "udp"]);
  assertEquals(execTransports("./s {port}", ["tcp"]), ["tcp"]);
  assertEquals(execTransports("./s {tcp}", ["tcp", "udp"]), ["tcp"]);
  assertEquals(execTransports("./s {udp} {tcp}", ["tcp", "udp"]), ["tcp", "udp"]);
  assertEquals(execTransports("./s --udp {udp}", ["tcp", "udp"]), ["udp"]);
});

Deno.test("execFlagsText() quotes what a shell would split", () => {
  assertEquals(
    execFlagsText({
      command: "./server {tcp} it's",
      buildTimeoutMs: 1,
      readyTimeoutMs: DEFAULT_READY_TIMEOUT_MS,
      limits: { memory: Infinity },
      restart: "never",
      host: "127.0.0.1",
    }),
    `--exec './server {tcp} it'\\''s' --limit memory=unlimited --restart never`,
  );
});

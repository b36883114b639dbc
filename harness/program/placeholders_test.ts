import { assertEquals, assertThrows } from "@std/assert";
import { CommandError } from "./command_error.ts";
import { fillPlaceholders, placeholdersIn } from "./placeholders.ts";

Deno.test("placeholdersIn() lists each placeholder once, in order of first use", () => {
  assertEquals(placeholdersIn("./server {udp} {host} {udp} {tcp} {port}"), [
    "udp",
    "host",
    "tcp",
    "port",
  ]);
  assertEquals(placeholdersIn("./server 8080"), []);
});

Deno.test("placeholdersIn() finds placeholders in any quotes", () => {
  assertEquals(placeholdersIn(`bash -c './server {port}' "{host}"`), ["port", "host"]);
});

Deno.test("placeholdersIn() ignores ${VAR}, escaped braces, braces without a name and single-quoted scripts", () => {
  assertEquals(placeholdersIn("./server ${PORT} \\{prot} {} {a,b} awk '{print $1}'"), []);
});

Deno.test("placeholdersIn() throws CommandError for an unknown placeholder, suggesting the closest", () => {
  assertThrows(
    () => placeholdersIn("./server {prot}"),
    CommandError,
    'Unknown placeholder "{prot}" in "./server {prot}": did you mean {port}?',
  );
  assertThrows(() => placeholdersIn("./server {HOST}"), CommandError, "did you mean {host}?");
  assertThrows(
    () => placeholdersIn(`./server "{address}"`),
    CommandError,
    'Unknown placeholder "{address}" in "./server \\"{address}\\"": expected {host}, {tcp}, ' +
      "{udp} or {port} (write \\{ for a literal brace)",
  );
});

Deno.test("fillPlaceholders() replaces host and ports", () => {
  assertEquals(
    fillPlaceholders("./server {host} {tcp} {udp}", { host: "127.0.0.1", tcp: 1, udp: 2 }),
    "./server 127.0.0.1 1 2",
  );
  assertEquals(fillPlaceholders(`sh -c './server {port}'`, { port: 7 }), `sh -c './server 7'`);
});

Deno.test("fillPlaceholders() gives {port} the port, else the TCP port, else the UDP port", () => {
  assertEquals(fillPlaceholders("{port}", { port: 1, tcp: 2, udp: 3 }), "1");
  assertEquals(fillPlaceholders("{port}", { tcp: 2, udp: 3 }), "2");
  assertEquals(fillPlaceholders("{port}", { udp: 3 }), "3");
});

Deno.test("fillPlaceholders() leaves everything else as it is", () => {
  const text = "./server ${PORT} \\{port} '{print}' {}";
  assertEquals(fillPlaceholders(text, { port: 1 }), text);
});

Deno.test("fillPlaceholders() throws CommandError when the run has no value for a placeholder", () => {
  assertThrows(
    () => fillPlaceholders("./server {udp}", { tcp: 8080 }),
    CommandError,
    'Placeholder "{udp}" in "./server {udp}" has no value: this run has no UDP port',
  );
  assertThrows(() => fillPlaceholders("{host}", { tcp: 1 }), CommandError, "this run has no host");
  assertThrows(
    () => fillPlaceholders("{port}", { host: "::1" }),
    CommandError,
    "this run has neither a TCP nor a UDP port",
  );
});

Deno.test("fillPlaceholders() throws RangeError for a bad port or a host a shell would read", () => {
  assertThrows(() => fillPlaceholders("{tcp}", { tcp: 70000 }), RangeError, "port 70000");
  assertThrows(() => fillPlaceholders("{tcp}", { tcp: 1.5 }), RangeError);
  assertThrows(
    () => fillPlaceholders("{host}", { host: "x; rm -rf /" }),
    RangeError,
    'Cannot put host "x; rm -rf /" into a command',
  );
  assertEquals(fillPlaceholders("{host}", { host: "fe80::1%eth0" }), "fe80::1%eth0");
});

import { assertEquals } from "@std/assert";
import { signalName } from "./signal_name.ts";

Deno.test("signalName() names the signals a socket program dies of", () => {
  assertEquals(
    [4, 6, 7, 8, 9, 11, 13, 15, 24, 25, 31].map(signalName),
    [
      "SIGILL",
      "SIGABRT",
      "SIGBUS",
      "SIGFPE",
      "SIGKILL",
      "SIGSEGV",
      "SIGPIPE",
      "SIGTERM",
      "SIGXCPU",
      "SIGXFSZ",
      "SIGSYS",
    ],
  );
});

Deno.test("signalName() names real-time signals and numbers Linux does not define", () => {
  assertEquals(signalName(34), "SIGRTMIN+0");
  assertEquals(signalName(64), "SIGRTMIN+30");
  assertEquals(signalName(32), "signal 32");
  assertEquals(signalName(99), "signal 99");
});

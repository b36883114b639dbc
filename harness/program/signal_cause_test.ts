import { assertEquals } from "@std/assert";
import { signalCause } from "./signal_cause.ts";

Deno.test("signalCause() gives the usual cause in a socket program", () => {
  assertEquals(
    signalCause("SIGPIPE"),
    "a write to a socket whose peer had closed or reset it, or that never connected — ignore SIGPIPE (signal(SIGPIPE, SIG_IGN)) or " +
      "send with MSG_NOSIGNAL",
  );
  assertEquals(
    signalCause("SIGSEGV"),
    "a memory error, such as a recv() into a buffer that is too small or a NULL pointer",
  );
  assertEquals(signalCause("SIGABRT"), "abort(), e.g. a failed assert() or a double free");
  assertEquals(signalCause("SIGXCPU"), "the CPU-time limit ran out (a busy loop?)");
  for (const name of ["SIGKILL", "SIGTERM", "SIGBUS", "SIGFPE", "SIGILL", "SIGINT", "SIGXFSZ"]) {
    assertEquals(typeof signalCause(name), "string", name);
  }
});

Deno.test("signalCause() accepts names without SIG and in any case", () => {
  assertEquals(signalCause("pipe"), signalCause("SIGPIPE"));
  assertEquals(signalCause("SigSegv"), signalCause("SIGSEGV"));
});

Deno.test("signalCause() has nothing for harmless or unknown signals", () => {
  assertEquals(signalCause("SIGCHLD"), undefined);
  assertEquals(signalCause("SIGRTMIN+3"), undefined);
  assertEquals(signalCause("SIGNOPE"), undefined);
});

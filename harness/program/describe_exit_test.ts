import { assertEquals } from "@std/assert";
import { describeExit, describeExitShort } from "./describe_exit.ts";

Deno.test("describeExit() gives the exit status", () => {
  assertEquals(describeExit({ code: 0, signal: null }), "exited with status 0");
  assertEquals(describeExit({ code: 3, signal: null }), "exited with status 3");
});

Deno.test("describeExit() names the signal, its number and its cause", () => {
  assertEquals(
    describeExit({ code: 139, signal: "SIGSEGV" }),
    "killed by SIGSEGV (signal 11): a memory error, such as a recv() into a buffer that is too " +
      "small or a NULL pointer",
  );
  assertEquals(
    describeExit({ code: null, signal: 24 }),
    "killed by SIGXCPU (signal 24): the CPU-time limit ran out (a busy loop?)",
  );
});

Deno.test("describeExit() names signals without a usual cause or a name", () => {
  assertEquals(describeExit({ code: null, signal: "SIGCHLD" }), "killed by SIGCHLD (signal 17)");
  assertEquals(describeExit({ code: null, signal: 36 }), "killed by SIGRTMIN+2 (signal 36)");
  assertEquals(describeExit({ code: null, signal: 99 }), "killed by signal 99");
  assertEquals(describeExit({ code: null, signal: "SIGWHAT" }), "killed by SIGWHAT");
});

Deno.test("describeExitShort() is describeExit() without the signal's cause", () => {
  assertEquals(describeExitShort({ code: 3, signal: null }), "exited with status 3");
  assertEquals(
    describeExitShort({ code: null, signal: "SIGKILL" }),
    "killed by SIGKILL (signal 9)",
  );
  assertEquals(
    describeExitShort({ code: null, signal: "SIGCHLD" }),
    "killed by SIGCHLD (signal 17)",
  );
  assertEquals(describeExitShort({ code: null, signal: 99 }), "killed by signal 99");
});

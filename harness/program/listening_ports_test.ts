import { assert, assertEquals } from "@std/assert";
import { eventually, freePort, procTest } from "./_test_utils.ts";
import { launch } from "./launch.ts";
import { socketPorts } from "./listening_ports.ts";

procTest(
  "ports() lists listening TCP and bound UDP ports of the program's processes, IPv6 too",
  async () => {
    const [tcp4, tcp6, udp, childTcp] = [freePort("tcp"), freePort("tcp"), freePort("udp"), 0];
    const script = `import os, socket, time
s = lambda family, kind: socket.socket(family, kind)
t4 = s(socket.AF_INET, socket.SOCK_STREAM); t4.bind(("127.0.0.1", ${tcp4})); t4.listen()
t6 = s(socket.AF_INET6, socket.SOCK_STREAM); t6.bind(("::1", ${tcp6})); t6.listen()
u = s(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", ${udp}))
bound = s(socket.AF_INET, socket.SOCK_STREAM); bound.bind(("127.0.0.1", 0))  # not listening
client = s(socket.AF_INET, socket.SOCK_DGRAM); client.connect(("127.0.0.1", 9))  # connected
if os.fork() == 0:
  c = s(socket.AF_INET, socket.SOCK_STREAM); c.bind(("127.0.0.1", 0)); c.listen()
  print(c.getsockname()[1], flush=True); time.sleep(30)
time.sleep(30)`;
    await using program = launch({ argv: ["python3", "-c", script] });
    assert(await eventually(() => program.stdoutText().endsWith("\n")), program.stderrText());
    const child = Number(program.stdoutText().trim());
    assert(child > childTcp);
    const ports = program.ports();
    assertEquals(ports.tcp, [tcp4, tcp6, child].sort((a, b) => a - b));
    assertEquals(ports.udp, [udp]);
    assertEquals(socketPorts([program.pid]).tcp, [tcp4, tcp6].sort((a, b) => a - b));
  },
);

procTest("socketPorts() lists nothing for processes without sockets", () => {
  assertEquals(socketPorts([]), { tcp: [], udp: [] });
  assertEquals(socketPorts([2 ** 30]), { tcp: [], udp: [] });
});

/**
 * `process`: what the program under test does as a process, seen through `/proc` while clients
 * come and go: the descriptors it holds, the children it keeps, its memory, its CPU time while
 * idle, how it stops on SIGTERM and whether it can start again at once on its port. These cases
 * need sockspec to launch the program (`--exec`); without it they are skipped with that reason.
 * Each runs alone, first of the run (on the program as it started, before any load), and asks of
 * the program the least its property needs: clients one after another where concurrency is not
 * the point, so an iterative server is measured too. A program that cannot do even that (it dies,
 * or one client alone is not served) is skipped with what could not be measured and why: the
 * tcp.* case with the same clients carries that bug.
 *
 * @module
 */
import {
  type Case,
  type CaseContext,
  CaseFailure,
  ConnectFailed,
  isRequestReply,
  liveProcesses,
  type ProgramProcess,
  type ProgramSnapshot,
  requestReply,
  type RequestReplyProfile,
  sampleRequest,
  type TcpClient,
  WAITS,
} from "../harness/mod.ts";

/** Connections opened and closed between the two descriptor counts of `process.fd-leak`. */
const FD_CYCLES = 40;
/** Clients served at once in `process.children`. */
const CHILD_CLIENTS = 5;
/** How long children may take to exit, and zombies to be reaped, after their clients close. */
const CHILD_GRACE_MS = 2000;
/** How often `settled()` looks at the program's processes and descriptors. */
const SETTLE_POLL_MS = 25;
/** How often `rest()` looks whether the program's threads are asleep. */
const REST_POLL_MS = 10;
/**
 * `process.memory`: requests per measuring window, asked one after another over one long-lived
 * connection (a per-request leak; one connection, so an iterative server is measured too), then connections per window, each served one request (a per-connection
 * leak). Growth past the limit in every window (two of requests, three of connections) is a leak;
 * one window under it ends that half. A runtime with a garbage collector (Deno, Node, the JVM)
 * grows its heap over its first few hundred connections and then levels off: the third window
 * tells that from a leak, which grows as much in every window.
 */
const MEMORY_WINDOW = 300;
const MEMORY_WINDOWS = 2;
const MEMORY_CONNECTION_WINDOW = 200;
const MEMORY_CONNECTION_WINDOWS = 3;
const MEMORY_GROWTH_LIMIT = 4 * 1024 * 1024;
/**
 * The payload of `process.memory`'s requests (and of every request `served()` asks): small enough for the smallest read buffer a student
 * declares, so each reply goes back in one write(). A reply written in pieces waits, piece after
 * piece, for the client's delayed ACK (Nagle's algorithm, about 40 ms a request on Linux).
 */
const MEMORY_REQUEST_BYTES = 32;
/** Silent clients, and the share of one CPU `process.idle-cpu` allows (its window is in WAITS). */
const IDLE_CLIENTS = 4;
/**
 * The share of the window the program may be runnable (on a CPU or waiting for one). A busy loop
 * is runnable all the time however loaded the machine is; a server waiting in select() almost
 * never.
 */
const IDLE_RUNNABLE_SHARE = 0.5;
/** How long the program has to exit after SIGTERM. */
const SIGTERM_GRACE_MS = 2000;
/**
 * Clients connected when `process.restart` stops the program: one is enough, since its
 * connection's TIME_WAIT holds the port as much as many would.
 */
const RESTART_CLIENTS = 1;

const WHOLE_PROGRAM = { transport: "tcp", program: true } as const;

/** Descriptors do not pile up with the connections served. */
export const fdLeak: Case = {
  id: "process.fd-leak",
  title: "The program's descriptors do not grow with the connections it served",
  requirement:
    "A server close()s every socket it accepted once its client is done (a fork-per-client parent closes its copy right after fork()); a descriptor leaked per connection ends in EMFILE: accept() fails after about ulimit -n clients",
  appliesTo: WHOLE_PROGRAM,
  alone: "measure",
  async run(t) {
    // First of the run, it finds the program as it started: no fresh start needed.
    // Lazy descriptors (epoll, logs) open now, not in the count.
    await orCannot(t, "its descriptors", () => cycle(t, 2, "warm"));
    const base = await settled(t);
    const steady = new Set(liveProcesses(base).map((p) => p.pid));
    const fds = (s: ProgramSnapshot) =>
      liveProcesses(s).filter((p) => steady.has(p.pid)).reduce((n, p) => n + p.fds, 0);
    const limit = t.program.limits.files;
    const fullest = Math.max(0, ...liveProcesses(base).map((p) => p.fds));
    if (limit > 0 && limit !== Infinity && fullest >= limit - 4) {
      t.fail(
        `Before this case the program already held ${fullest} descriptors, at its limit of ` +
          `${limit} open files: it leaked them serving earlier cases. ${FIX_FD}`,
        { expected: "a steady number of descriptors", actual: `${fullest} of ${limit}` },
      );
    }
    const before = fds(base);
    let served = 0;
    const stopped = await cycle(t, FD_CYCLES, "c", () => served++).then(() => null, (e) => e);
    if (stopped !== null) {
      // Served some, then not: a leak that ran out of descriptors (EMFILE), or another bug.
      const now = fds(await settled(t));
      if (!isServingFailure(stopped) || served === 0 || now - before < served / 2) {
        return await cannotMeasure(t, "its descriptors", stopped);
      }
      t.fail(
        `The program held ${now - before} more descriptors after ${served} connections came ` +
          `and went (${before} before, ${now} after), and then client ${served + 1} was not ` +
          `served (${stopped.message}): about one descriptor per connection is never closed, ` +
          `until accept() fails with EMFILE. ${FIX_FD}`,
        {
          expected: `about ${before} descriptors after the clients closed`,
          actual: `${now} descriptors after ${served} connections`,
        },
      );
    }
    const after = fds(await settled(t));
    await survived(t, "its descriptors");
    t.transcript.record("program", "note", {
      detail: `descriptors of its long-lived processes: ${before} before, ${after} after ` +
        `${FD_CYCLES} connections`,
    });
    if (after - before >= FD_CYCLES / 2) {
      t.fail(
        `The program held ${after - before} more descriptors after ${FD_CYCLES} connections ` +
          `came and went (${before} before, ${after} after, in its long-lived processes): ` +
          `about one per connection is never closed. ${FIX_FD}`,
        {
          expected: `about ${before} descriptors after the clients closed`,
          actual: `${after} descriptors`,
        },
      );
    }
  },
};

const FIX_FD =
  "close() each accepted socket when its client is done; a fork-per-client parent closes its copy right after fork()";

/** No zombies, and no children outliving their clients. */
export const children: Case = {
  id: "process.children",
  title: "After its clients leave, the program keeps no zombie or lingering children",
  requirement:
    "A fork-per-client server reaps every child (waitpid() in a SIGCHLD handler, or SIGCHLD ignored), and each child exits when its client is done: zombies and leftover children pile up until fork() fails",
  appliesTo: WHOLE_PROGRAM,
  alone: "measure",
  async run(t) {
    await freshStart(t, "its children");
    const base = await settled(t);
    const before = new Set(liveProcesses(base).map((p) => p.pid));
    // One client after another: a child per client shows without serving them at once.
    await orCannot(t, "its children", () => cycle(t, CHILD_CLIENTS, "k"));
    const deadline = performance.now() + CHILD_GRACE_MS;
    let now = t.program.snapshot();
    const extra = (s: ProgramSnapshot) => liveProcesses(s).filter((p) => !before.has(p.pid));
    while (performance.now() < deadline && (zombiesOf(now).length > 0 || extra(now).length > 0)) {
      await t.sleep(50);
      now = t.program.snapshot();
    }
    const zombies = zombiesOf(now);
    if (zombies.length > 0) {
      t.fail(
        `${zombies.length} zombie ${plural(zombies.length, "child", "children")} ` +
          `${CHILD_GRACE_MS / 1000} s after its clients closed (pids ${pids(zombies)}): ` +
          "children that exited and were never reaped. Reap them: a SIGCHLD handler that calls " +
          "waitpid(-1, NULL, WNOHANG) in a loop, or signal(SIGCHLD, SIG_IGN)",
        { expected: "no zombie children", actual: `${zombies.length} zombies` },
      );
    }
    await survived(t, "its children");
    const lingering = extra(now);
    if (lingering.length > 0) {
      t.fail(
        `${lingering.length} ${plural(lingering.length, "process", "processes")} it started ` +
          `for its ${CHILD_CLIENTS} clients (one after another) still ${
            lingering.length === 1 ? "runs" : "run"
          } ` +
          `${CHILD_GRACE_MS / 1000} s after those clients closed (pids ${pids(lingering)}): ` +
          "a child must exit (_exit(0)) when recv() returns 0 or fails",
        {
          expected: "every child it forked for a client has exited",
          actual: `${lingering.length} still running: ${lingering.map((p) => p.comm).join(", ")}`,
        },
      );
    }
  },
};

/** Resident memory stays bounded over many requests and many connections. */
export const memory: Case = {
  id: "process.memory",
  title: "Resident memory stays bounded over many requests and many connections",
  requirement:
    "A server frees what it allocates per request and per client (every malloc() has its free()); memory that grows with every request or every connection runs out on a long-lived server",
  appliesTo: { ...WHOLE_PROGRAM, requestReply: true },
  alone: "measure",
  async run(t) {
    const p = requestReply(t);
    // One connection, one request after another: concurrency is not what this case measures.
    const conn = await t.connect({ label: "m" });
    const ask = async (n: number) => {
      for (let k = 0; k < n; k++) await askOnce(t, conn, p, MEMORY_REQUEST_BYTES);
    };
    await ask(50);
    const perRequest = await growth(
      t,
      "request",
      ask,
      [MEMORY_WINDOW, MEMORY_WINDOWS],
      () => rss(t.program.snapshot()),
    );
    if (perRequest) {
      const [r0, r1, r2] = perRequest;
      t.fail(
        `Resident memory grew by ${mib(r1 - r0)} over ${MEMORY_WINDOW} requests and by ` +
          `${mib(r2 - r1)} over the next ${MEMORY_WINDOW} (about ${
            kib((r2 - r0) / (2 * MEMORY_WINDOW))
          } per request), on one connection that stayed open, and was not ` +
          "given back: memory is leaked per request. Every malloc() needs its free(), or reuse " +
          "one buffer",
        {
          expected: `growth under ${mib(MEMORY_GROWTH_LIMIT)} per ${MEMORY_WINDOW} requests`,
          actual: `${mib(r0)} → ${mib(r1)} → ${mib(r2)}`,
        },
      );
    }
    await conn.close();
    // The connections half counts the processes that outlive their clients (a fork-per-client
    // server's parent, not its children), once the children of closed clients are gone.
    await cycle(t, 5, "w");
    const steady = new Set(liveProcesses(await settled(t)).map((p) => p.pid));
    const steadyRss = async () =>
      liveProcesses(await settled(t)).filter((p) => steady.has(p.pid))
        .reduce((n, p) => n + p.rssBytes, 0);
    let round = 0;
    const connect = (n: number) => cycle(t, n, `n${++round}.`);
    const perConnection = await growth(
      t,
      "connection",
      connect,
      [MEMORY_CONNECTION_WINDOW, MEMORY_CONNECTION_WINDOWS],
      steadyRss,
    );
    if (perConnection) {
      const first = perConnection[0], last = perConnection.at(-1)!;
      const each = perConnection.slice(1).map((r, i) => mib(r - perConnection[i]));
      const total = MEMORY_CONNECTION_WINDOW * MEMORY_CONNECTION_WINDOWS;
      t.fail(
        `Resident memory of its long-lived processes grew by ${each.join(", then ")} over ` +
          `${MEMORY_CONNECTION_WINDOWS} rounds of ${MEMORY_CONNECTION_WINDOW} connections of ` +
          `one request each (about ${kib((last - first) / total)} per connection) and was not ` +
          "given back: memory is leaked per connection. Free what you allocate for a client " +
          "when it leaves",
        {
          expected: `growth under ${
            mib(MEMORY_GROWTH_LIMIT)
          } per ${MEMORY_CONNECTION_WINDOW} connections`,
          actual: perConnection.map(mib).join(" → "),
        },
      );
    }
  },
};

/**
 * Measures resident memory (`measure`) before and after each of up to `count` windows of `size`
 * units of `load`, and records what it saw. Returns every reading when each window grew past the
 * limit (a leak); null as soon as one did not, which settles it.
 */
async function growth(
  t: CaseContext,
  unit: "request" | "connection",
  load: (n: number) => Promise<void>,
  [size, count]: [number, number],
  measure: () => number | Promise<number>,
): Promise<number[] | null> {
  const readings = [await measure()];
  let leak = true;
  for (let w = 1; w <= count && leak; w++) {
    await load(size);
    readings.push(await measure());
    leak = readings[w] - readings[w - 1] > MEMORY_GROWTH_LIMIT;
  }
  t.transcript.record("program", "note", {
    detail: `resident memory over windows of ${size} ${unit}s: ${readings.map(mib).join(" → ")}`,
  });
  return leak ? readings : null;
}

/** Idle clients cost no CPU, connected or gone. */
export const idleCpu: Case = {
  id: "process.idle-cpu",
  title: "With silent clients connected, and after they closed, the program uses almost no CPU",
  requirement:
    "A server waits for sockets in a blocking call (accept(), recv(), or select()/poll() with no time-out); polling non-blocking sockets in a loop, select() with a zero time-out, or a loop that goes on after recv() returned 0 (the client closed) burns a whole CPU while nothing happens",
  appliesTo: WHOLE_PROGRAM,
  alone: "measure",
  async run(t) {
    await freshStart(t, "its CPU time while idle");
    // The first client is served (the program serves); the others only connect: an iterative
    // server leaves them in its queue, and is measured all the same.
    const clients = await orCannot(t, "its CPU time while idle", async () => {
      const all = [await served(t, "i1")];
      for (let i = 2; i <= IDLE_CLIENTS; i++) all.push(await t.connect({ label: `i${i}` }));
      return all;
    });
    await rest(t, 200);
    const connected = await runnableOver(t, `with ${IDLE_CLIENTS} silent clients`);
    await Promise.all(clients.map((c) => c.close()));
    await rest(t, 200);
    await survived(t, "its CPU time after its clients closed");
    const gone = await runnableOver(t, `after its ${IDLE_CLIENTS} clients closed`);
    // A thread or process that spins once its client closed shows as more CPU with every
    // connection that ended: at least one more CPU's worth once these clients closed.
    if (gone.busy && gone.share - connected.share >= 100) {
      t.fail(
        `After its ${IDLE_CLIENTS} clients closed, the program was running or waiting for a CPU ` +
          `${gone.share}% of ${gone.wall} ms (${gone.used} ms of CPU time), against ` +
          `${connected.share}% while they were connected and silent: every connection that ` +
          "ended left something spinning. A recv() that returns 0 means the client closed: " +
          "close() the socket and leave the loop (end the thread or child, or FD_CLR() it), " +
          "instead of calling recv() again",
        { expected: IDLE_EXPECTED, actual: `runnable ${gone.share}% of the time after the close` },
      );
    }
    const busy = connected.busy ? connected : gone.busy ? gone : undefined;
    if (busy) {
      const when = busy === connected
        ? `While its ${IDLE_CLIENTS} clients were connected and silent`
        : `After its ${IDLE_CLIENTS} clients closed`;
      t.fail(
        `${when}, the program was running or waiting for a CPU ${busy.share}% of ${busy.wall} ms ` +
          `(${busy.used} ms of CPU time): a busy loop. Polling non-blocking sockets ` +
          "(set_non_blocking) with accept()/recv() in a loop that never waits, or select() with " +
          "a zero timeval, spins; block in select()/poll() with a NULL time-out instead",
        { expected: IDLE_EXPECTED, actual: `runnable ${busy.share}% of the time` },
      );
    }
  },
};

const IDLE_EXPECTED = `runnable under ${
  Math.round(IDLE_RUNNABLE_SHARE * 100)
}% of the time while idle`;

/** Measures the program over `WAITS.idleWindowMs`: its CPU time, and whether it was busy. */
async function runnableOver(
  t: CaseContext,
  when: string,
): Promise<{ wall: number; used: number; share: number; busy: boolean }> {
  const first = t.program.snapshot();
  const started = performance.now();
  await t.sleep(WAITS.idleWindowMs);
  const last = t.program.snapshot();
  const wall = Math.round(performance.now() - started);
  const used = sum(last, "cpuMs") - sum(first, "cpuMs");
  const runnable = sum(last, "runnableMs") - sum(first, "runnableMs");
  t.transcript.record("program", "note", {
    detail: `${when}, in ${wall} ms: ${used} ms of CPU time, runnable (on a CPU or waiting ` +
      `for one) ${runnable} ms`,
  });
  return {
    wall,
    used,
    share: Math.round((100 * runnable) / wall),
    busy: runnable > wall * IDLE_RUNNABLE_SHARE,
  };
}

/** A restart on the same port right after a stop binds. */
export const restart: Case = {
  id: "process.restart",
  title: "Stopped with clients connected, the program starts again at once on the same port",
  requirement:
    'Course notes: without SO_REUSEADDR, bind() fails with "Address already in use" while the old connections are in TIME_WAIT (60 s on Linux), so a server sets SO_REUSEADDR on its listening socket before bind()',
  appliesTo: WHOLE_PROGRAM,
  alone: "measure",
  async run(t) {
    const port = t.tcp.port;
    const clients = await orCannot(t, "a restart with clients connected", async () => {
      const all = [];
      for (let i = 1; i <= RESTART_CLIENTS; i++) all.push(await served(t, `r${i}`));
      return all;
    });
    const stop = await t.program.stop({ signal: "SIGTERM", graceMs: SIGTERM_GRACE_MS });
    t.transcript.record("program", "note", {
      detail: `SIGTERM with ${RESTART_CLIENTS} ${
        plural(RESTART_CLIENTS, "client", "clients")
      } connected: ${stop.description}`,
    });
    // The server closed first (its FIN), so its side of each connection waits in TIME_WAIT once
    // the client has read the EOF and closed too.
    await Promise.all(clients.map(async (c) => {
      await c.readToEof({ timeoutMs: Math.max(t.timeoutMs, 3000) });
      await c.close();
    }));
    const started = await t.program.start();
    if (started.ok) {
      t.transcript.record("program", "note", {
        detail: `started again on port ${port}, serving after ${started.ms} ms`,
      });
      // The least after a restart: one client served. A program that dies even then (and the
      // tcp.* cases show why) has nothing more to measure here.
      await orCannot(t, "a restart", () => t.liveness("a restart on the same port"));
      await survived(t, "a restart");
      return;
    }
    const stderr = started.stderrTail.at(-1);
    const inUse = started.stderrTail.some((l) => /in use|EADDRINUSE/i.test(l));
    const connected = `${RESTART_CLIENTS} ${plural(RESTART_CLIENTS, "client was", "clients were")}`;
    const reuse = "Without SO_REUSEADDR, bind() fails while the old connections are in " +
      "TIME_WAIT: int on = 1; setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on); before " +
      "bind()";
    if (started.reason === "wrong-port") {
      // The same command served `port` before: its bind() to it failed now, and listen() on an
      // unbound socket binds a port of the kernel's choosing.
      t.fail(
        `Stopped with SIGTERM while ${connected} connected and started again with the same ` +
          `command, the program no longer serves TCP port ${port}: ${started.message}. Its ` +
          `bind() to ${port} failed and was not checked, so listen() bound a port the kernel ` +
          `chose. Check bind()'s return value (perror("bind"); exit(1)). ${reuse}`,
        {
          expected: `a new start serves port ${port} at once`,
          actual: started.message,
        },
      );
    }
    t.fail(
      `Stopped with SIGTERM while ${connected} connected, the program did not start again on ` +
        `TCP port ${port}: ${started.message}` +
        (stderr ? `; its stderr ends "${stderr}"` : "") +
        (inUse || started.reason === "exited" ? `. ${reuse}` : ""),
      {
        expected: `a new start serves port ${port} at once`,
        actual: started.stderrTail.length > 0 ? started.stderrTail.join("\n") : started.message,
      },
    );
  },
};

/** SIGTERM ends it promptly. */
export const sigterm: Case = {
  id: "process.sigterm",
  title: "The program exits within 2 s of SIGTERM",
  requirement:
    "SIGTERM asks a program to stop (kill, systemd, docker stop, Ctrl-C's cousin): a server exits promptly, by the default action or after cleaning up in a handler; one that ignores it must be killed with SIGKILL",
  appliesTo: WHOLE_PROGRAM,
  alone: "measure",
  async run(t) {
    const stop = await t.program.stop({ signal: "SIGTERM", graceMs: SIGTERM_GRACE_MS });
    t.transcript.record("program", "note", {
      detail: stop.exitedInTime
        ? `exited ${stop.ms} ms after SIGTERM: ${stop.description}`
        : `still running ${SIGTERM_GRACE_MS} ms after SIGTERM; sockspec killed it`,
    });
    const started = await t.program.start(); // for the cases after this one
    t.transcript.record("program", "note", {
      detail: started.ok ? "started again" : `did not start again: ${started.message}`,
    });
    if (!stop.exitedInTime) {
      t.warn(
        `The program was still running ${SIGTERM_GRACE_MS / 1000} s after SIGTERM (sent to its ` +
          "process group): it ignores or blocks SIGTERM, or its handler does not exit; sockspec " +
          "killed it with SIGKILL. Leave SIGTERM at its default action, or exit from the handler",
      );
    }
  },
};

/** Every process case, in listing order. */
export const processCases: readonly Case[] = [
  fdLeak,
  children,
  memory,
  idleCpu,
  restart,
  sigterm,
];

/** A connection that got one reply (or, for a profile without replies, is open). */
async function served(t: CaseContext, label: string): Promise<TcpClient> {
  const c = await t.connect({ label });
  const p = t.profile;
  if (isRequestReply(p)) await askOnce(t, c, p, 32);
  return c;
}

/** Sends `c` one request with a `size`-byte sample payload and reads its reply. */
async function askOnce(
  t: CaseContext,
  c: TcpClient,
  p: RequestReplyProfile,
  size: number,
): Promise<void> {
  const request = sampleRequest(p, t.rng, size);
  await c.send(request);
  await c.expect(p.expectedReply(request));
}

/**
 * Opens and closes `n` connections one after another, each served once; `onServed` hears of each.
 */
async function cycle(
  t: CaseContext,
  n: number,
  prefix: string,
  onServed: () => void = () => {},
): Promise<void> {
  for (let i = 0; i < n; i++) {
    const c = await served(t, `${prefix}${i + 1}`);
    await c.close();
    onServed();
  }
}

/**
 * Starts the program again (SIGKILL, then the same command on the same ports), so the case
 * measures it as it started and not what earlier cases left (threads, children, descriptors).
 * Killed, it leaves no connection of its own in TIME_WAIT to block the new bind().
 */
async function freshStart(t: CaseContext, what: string): Promise<void> {
  const stop = await t.program.stop({ signal: "SIGKILL" });
  const started = await t.program.start();
  t.transcript.record("program", "note", {
    detail: `fresh start for this case: ${stop.description}; ${
      started.ok ? `serving again after ${started.ms} ms` : `not serving: ${started.message}`
    }`,
  });
  if (!started.ok) {
    t.skip(`Could not measure ${what}: started again for a fresh measure, ${started.message}`);
  }
}

/** Whether `e` says the target did not serve a client (not that sockspec failed). */
function isServingFailure(e: unknown): e is CaseFailure | ConnectFailed {
  return e instanceof CaseFailure || e instanceof ConnectFailed;
}

/**
 * Runs `least`, the least the program must do for the case to measure `what`; when the program
 * cannot do even that, the case skips, saying why (see {@linkcode cannotMeasure}).
 */
async function orCannot<T>(t: CaseContext, what: string, least: () => Promise<T>): Promise<T> {
  try {
    return await least();
  } catch (e) {
    if (!isServingFailure(e)) throw e;
    return await cannotMeasure(t, what, e);
  }
}

/**
 * Ends the case as a skip when the program died as the case's clients closed (the least the case
 * asks): what it measured of a dead program says nothing.
 */
async function survived(t: CaseContext, what: string): Promise<void> {
  await rest(t, 100);
  if (t.program.snapshot().running) return;
  t.skip(
    `Could not measure ${what}: the program died as the clients of this case closed. The ` +
      "tcp.* cases show why",
  );
}

/**
 * Ends the case as a skip: the program did not serve the clients it needs to measure `what`.
 * The tcp.* case with such clients fails for that bug; this one has nothing to measure.
 */
async function cannotMeasure(t: CaseContext, what: string, e: unknown): Promise<never> {
  // A death shows to the client a moment before the program's exit does.
  for (let i = 0; i < 10 && t.program.snapshot().running; i++) await t.sleep(20);
  const down = t.program.snapshot().running ? "" : " (the program is no longer running)";
  return t.skip(
    `Could not measure ${what}: the program did not serve the clients it needs, one at a ` +
      `time${down}: ${e instanceof Error ? e.message : String(e)}. The tcp.* cases show why`,
  );
}

/**
 * Waits up to `ms` for the program to be at rest, every thread of its live processes asleep on two
 * looks in a row (it has handled what reached it: a client's close, a child's exit), or to end.
 */
async function rest(t: CaseContext, ms: number): Promise<void> {
  const deadline = performance.now() + ms;
  for (let rested = 0; rested < 2 && performance.now() < deadline;) {
    const now = t.program.snapshot();
    if (!now.running) return;
    rested = liveProcesses(now).every((p) => p.asleep) ? rested + 1 : 0;
    if (rested < 2) await t.sleep(REST_POLL_MS);
  }
}

/**
 * A snapshot once the program has settled: its live processes and their descriptors stopped
 * changing (children of closed clients gone, sockets closed), seen on two looks in a row with
 * every thread asleep (it has handled what reached it) or unchanged for 100 ms, or after 1.5 s.
 */
async function settled(t: CaseContext): Promise<ProgramSnapshot> {
  const key = (s: ProgramSnapshot) => liveProcesses(s).map((p) => `${p.pid}:${p.fds}`).join(",");
  const atRest = (s: ProgramSnapshot) => liveProcesses(s).every((p) => p.asleep);
  let last = t.program.snapshot();
  let since = performance.now();
  const deadline = since + 1500;
  while (performance.now() < deadline) {
    await t.sleep(SETTLE_POLL_MS);
    const now = t.program.snapshot();
    if (key(now) !== key(last)) {
      since = performance.now();
    } else if ((atRest(last) && atRest(now)) || performance.now() - since >= 100) {
      return now;
    }
    last = now;
  }
  return last;
}

function zombiesOf(s: ProgramSnapshot): ProgramProcess[] {
  return s.processes.filter((p) => p.state === "Z");
}

function rss(s: ProgramSnapshot): number {
  return liveProcesses(s).reduce((n, p) => n + p.rssBytes, 0);
}

function sum(s: ProgramSnapshot, field: "cpuMs" | "runnableMs"): number {
  return liveProcesses(s).reduce((n, p) => n + p[field], 0);
}

function pids(ps: readonly ProgramProcess[]): string {
  const shown = ps.slice(0, 8).map((p) => p.pid).join(", ");
  return ps.length > 8 ? `${shown}, …` : shown;
}

function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}

function kib(bytes: number): string {
  return `${Math.round(bytes / 1024)} KiB`;
}

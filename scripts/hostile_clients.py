#!/usr/bin/env python3
"""Hostile clients (and hostile servers) for http-serve and http-fetch, standard library only.

Every subcommand talks to 127.0.0.1 only, is bounded in count and in time, and ends by itself.
Each prints one line of `key=value` figures (the last line of its output) and exits 1 when the
property it checks does not hold, so the scripts in scripts/tests and scripts/hostile can use them.

  fetch-loop  GET one file again and again (optionally until a stop file appears); every reply must be
              a 200 with exactly the expected bytes
  slowloris   N connections that send a request head a few bytes at a time, forever (python fallback
              for slowhttptest -H)
  slowread    N connections that ask for a large file and read it a trickle at a time (slowhttptest -X)
  flood       N connections opened and abandoned without a request; reports how many the server
              closed, how long it took, and how many the kernel dropped from a full backlog
  resets      clients that reset (SO_LINGER 0) in the middle of a large response
  half-close  clients that half-close before sending anything: the server must close without a reply
  trickle     requests sent one byte at a time with pauses: the reply must still be complete
  soak        sequential requests; samples the server's descriptors and resident memory
  paths       a table of hostile targets against a server whose root holds a known secret outside it
  midway      one slow GET of a large file that is rewritten, truncated, grown, deleted or replaced
              half-way: an error or the whole original, never a mix of the right length
  changing    GETs of a file that another process rewrites in place, over and over: counts whole
              versions, errors and mixes
  evil-server a server that misbehaves on purpose for http-fetch (endless header, huge Content-Length,
              gzip bomb, garbage, endless body)
  sample      peak descriptors and resident memory of a process over a time
  measure     run a command; print its exit status and peak resident memory
"""

import argparse
import gzip
import os
import random
import selectors
import socket
import struct
import sys
import threading
import time

HOST = "127.0.0.1"


def log(*parts):
    print(*parts, file=sys.stderr, flush=True)


def raise_nofile():
    """Lets this process hold thousands of sockets (the hard limit allows it; the soft one may not)."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft < hard:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    except (ImportError, ValueError, OSError):
        pass


def proc_fds(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return -1


def proc_rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1


def read_reply(sock, limit=1 << 30):
    """Reads until EOF; returns the bytes. Raises on reset or timeout."""
    chunks = []
    total = 0
    while total < limit:
        chunk = sock.recv(1 << 16)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def split_reply(reply):
    head, sep, body = reply.partition(b"\r\n\r\n")
    if not sep:
        return None, {}, reply
    lines = head.split(b"\r\n")
    parts = lines[0].split(b" ", 2)
    status = int(parts[1]) if len(parts) >= 2 and parts[1].isdigit() else None
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers[name.strip().lower().decode("latin-1")] = value.strip().decode("latin-1")
    return status, headers, body


def get(port, target, timeout=10.0, extra=b""):
    """One HTTP/1.0 GET; returns (status, headers, body)."""
    with socket.create_connection((HOST, port), timeout=timeout) as sock:
        sock.sendall(b"GET " + target + b" HTTP/1.0\r\n" + extra + b"\r\n")
        return split_reply(read_reply(sock))


# fetch-loop -----------------------------------------------------------------------------------------


def cmd_fetch_loop(args):
    expected = open(args.expect, "rb").read()
    ok = failures = 0
    slowest = 0.0
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline and (args.count == 0 or ok + failures < args.count):
        if args.stop_file and os.path.exists(args.stop_file):
            break
        start = time.monotonic()
        try:
            status, headers, body = get(args.port, args.path.encode(), timeout=args.timeout)
            if status == 200 and body == expected:
                ok += 1
            else:
                failures += 1
                log(f"fetch-loop: status {status}, {len(body)} bytes (want 200, {len(expected)} bytes)")
        except OSError as error:
            failures += 1
            log(f"fetch-loop: {error!r}")
        slowest = max(slowest, time.monotonic() - start)
        if args.pause:
            time.sleep(args.pause)
    print(f"requests={ok + failures} ok={ok} failures={failures} slowest_ms={int(slowest * 1000)}")
    return 0 if failures == 0 and ok > 0 else 1


# slowloris / slowread -------------------------------------------------------------------------------


def open_many(port, count, rate=0.0):
    socks = []
    refused = 0
    for index in range(count):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        try:
            sock.connect_ex((HOST, port))
        except OSError:
            refused += 1
            sock.close()
            continue
        socks.append(sock)
        if rate and index % 50 == 49:
            time.sleep(50 / rate)
    return socks, refused


def cmd_slowloris(args):
    """Each connection sends 'GET / HTTP/1.0\\r\\n' and then one more header line every interval."""
    raise_nofile()
    socks, _ = open_many(args.port, args.connections, rate=args.rate)
    time.sleep(0.2)
    alive = set(socks)
    sent_head = set()
    closed_by_server = 0
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline and alive:
        for sock in list(alive):
            try:
                data = b"GET / HTTP/1.0\r\n" if sock not in sent_head else b"X-a: %d\r\n" % random.randint(0, 9999)
                sock.send(data)
                sent_head.add(sock)
                # EOF, or any reply (the 408 at the server's timeout), means the server ended it.
                sock.recv(4096, socket.MSG_DONTWAIT)
                raise ConnectionAbortedError
            except BlockingIOError:
                pass  # nothing from the server: it still holds the connection
            except OSError:
                alive.discard(sock)
                closed_by_server += 1
                sock.close()
        time.sleep(args.interval)
    held = len(alive)
    for sock in alive:
        sock.close()
    print(f"connections={len(socks)} held_at_end={held} closed_by_server={closed_by_server}")
    return 0


def cmd_slowread(args):
    """Each connection asks for a large file with a tiny receive buffer and reads a few bytes per interval."""
    raise_nofile()
    socks = []
    for _ in range(args.connections):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.settimeout(5)
        try:
            sock.connect((HOST, args.port))
            sock.sendall(b"GET " + args.path.encode() + b" HTTP/1.0\r\n\r\n")
        except OSError:
            sock.close()
            continue
        sock.setblocking(False)
        socks.append(sock)
    alive = set(socks)
    received = 0
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline and alive:
        for sock in list(alive):
            try:
                chunk = sock.recv(args.bytes)
                if not chunk:
                    alive.discard(sock)
                    sock.close()
                received += len(chunk)
            except BlockingIOError:
                pass
            except OSError:
                alive.discard(sock)
                sock.close()
        time.sleep(args.interval)
    held = len(alive)
    for sock in alive:
        sock.close()
    print(f"connections={len(socks)} held_at_end={held} received={received}")
    return 0


# flood ----------------------------------------------------------------------------------------------


def cmd_flood(args):
    """Opens N connections, sends nothing, and watches the server close them; then closes the rest.

    A connection counts as closed by the server when a read returns EOF or a reset. The connections
    in the backlog beyond --max-connections are accepted later and closed after their own timeout.
    """
    raise_nofile()
    start = time.monotonic()
    socks, refused = open_many(args.port, args.connections, rate=args.rate)
    opened = time.monotonic()
    selector = selectors.DefaultSelector()
    for sock in socks:
        selector.register(sock, selectors.EVENT_READ)
    open_ = len(socks)
    closed = 0
    replies = 0
    last_close = 0.0
    deadline = start + args.hold
    while open_ and time.monotonic() < deadline:
        # Settled: nothing closed for --quiet seconds (far beyond the server's timeout).
        if time.monotonic() - start - last_close > args.quiet and time.monotonic() - opened > args.quiet:
            break
        for key, _ in selector.select(timeout=0.2):
            sock = key.fileobj
            try:
                data = sock.recv(4096)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if data:
                replies += 1  # an idle connection must be closed silently, never answered
            selector.unregister(sock)
            sock.close()
            open_ -= 1
            closed += 1
            last_close = time.monotonic() - start
    # What is left open: the server holds it (a failure: it should have timed it out), or the server never
    # accepted it. With the accept queue full, Linux ignores the handshake's last ACK (tcp_abort_on_overflow 0)
    # while the client already believes it is connected; the server side waits in SYN_RECV, retransmitting its
    # SYN-ACK with backoff, and either completes the handshake later or gives up silently (tcp(7)). A byte sent
    # now tells them apart: a late handshake completes with it and the server closes it after its timeout
    # (late), an abandoned one draws a reset (dropped), a held one stays silent past the probe wait.
    late = dropped = 0
    for key in list(selector.get_map().values()):
        try:
            key.fileobj.send(b"\r\n")  # an empty line before a request line is allowed: nothing to answer
        except OSError:
            pass
    probe_deadline = time.monotonic() + args.probe_wait
    while open_ and time.monotonic() < probe_deadline:
        for key, _ in selector.select(timeout=0.2):
            sock = key.fileobj
            try:
                sock.recv(4096)  # EOF, or the 408 that our probe's bytes earned: either way, the server closed it
                late += 1
            except BlockingIOError:
                continue
            except OSError:
                dropped += 1
            selector.unregister(sock)
            sock.close()
            open_ -= 1
    for key in list(selector.get_map().values()):
        key.fileobj.close()
    print(
        f"connections={len(socks)} refused={refused} open_seconds={opened - start:.2f} "
        f"closed_by_server={closed + late} late_handshakes={late} dropped_by_kernel={dropped} still_open={open_} "
        f"replies={replies} last_close_s={last_close:.2f}"
    )
    if args.expect_all_closed and open_:
        return 1
    return 0 if replies == 0 else 1


# resets / half-close / trickle ----------------------------------------------------------------------


def cmd_resets(args):
    """Asks for a large file, reads a little, then closes with SO_LINGER 0 (RST in mid-response)."""
    done = 0
    for _ in range(args.count):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            # A modest receive buffer, set before connect so the window is small from the start: the
            # server is still sending when the reset comes (tinier buffers only slow loopback TCP down).
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
            sock.settimeout(10)
            sock.connect((HOST, args.port))
            sock.sendall(b"GET " + args.path.encode() + b" HTTP/1.0\r\n\r\n")
            got = 0
            while got < args.read:
                chunk = sock.recv(min(65536, args.read - got))
                if not chunk:
                    break
                got += len(chunk)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            done += 1
    print(f"resets={done}")
    return 0


def cmd_half_close(args):
    """Connects and half-closes at once: the server must close its side without a reply, quickly."""
    slowest = 0.0
    bad = 0
    for _ in range(args.count):
        start = time.monotonic()
        with socket.create_connection((HOST, args.port), timeout=args.timeout) as sock:
            sock.shutdown(socket.SHUT_WR)
            try:
                reply = read_reply(sock)
            except OSError as error:
                log(f"half-close: {error!r}")
                bad += 1
                continue
            if reply:
                log(f"half-close: unexpected reply {reply[:60]!r}")
                bad += 1
        slowest = max(slowest, time.monotonic() - start)
    print(f"half_closes={args.count} bad={bad} slowest_ms={int(slowest * 1000)}")
    return 0 if bad == 0 else 1


def cmd_trickle(args):
    """Sends the request one byte at a time with a pause between bytes; the reply must be whole."""
    expected = open(args.expect, "rb").read() if args.expect else None
    request = b"GET " + args.path.encode() + b" HTTP/1.0\r\nUser-Agent: trickle\r\nAccept: */*\r\n\r\n"
    bad = 0
    for _ in range(args.count):
        with socket.create_connection((HOST, args.port), timeout=30) as sock:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            try:
                for index in range(len(request)):
                    sock.send(request[index : index + 1])
                    time.sleep(args.pause)
            except OSError:
                pass  # the server answered (408) and closed before the head was complete: read the answer
            try:
                reply = read_reply(sock)
            except OSError as error:
                log(f"trickle: {error!r}")
                reply = b""
            status, _, body = split_reply(reply)
            if status != args.status or (expected is not None and body != expected):
                log(f"trickle: status {status}, {len(body)} bytes")
                bad += 1
    print(f"trickles={args.count} bytes_each={len(request)} bad={bad}")
    return 0 if bad == 0 else 1


# soak -----------------------------------------------------------------------------------------------


def cmd_soak(args):
    """Warm-up requests, then the measured run; samples the server's fds and VmRSS along the way."""
    expected = {path: open(local, "rb").read() for path, local in (item.split("=", 1) for item in args.file)}
    paths = sorted(expected)
    failures = 0

    def run(count):
        nonlocal failures
        for index in range(count):
            path = paths[index % len(paths)]
            try:
                status, _, body = get(args.port, path.encode())
                if status != 200 or body != expected[path]:
                    failures += 1
                    log(f"soak: {path}: status {status}, {len(body)} bytes")
            except OSError as error:
                failures += 1
                log(f"soak: {path}: {error!r}")

    def settle():
        # Lingering closes end within a moment: wait until the fd count stops moving.
        last = proc_fds(args.pid)
        for _ in range(30):
            time.sleep(0.1)
            now = proc_fds(args.pid)
            if now == last:
                break
            last = now
        return last

    fds_start = settle()
    rss_start = proc_rss_kib(args.pid)
    run(args.warmup)
    fds_warm = settle()
    rss_warm = proc_rss_kib(args.pid)
    peak = rss_warm
    step = max(1, args.count // 10)
    done = 0
    start = time.monotonic()
    while done < args.count:
        run(min(step, args.count - done))
        done += min(step, args.count - done)
        peak = max(peak, proc_rss_kib(args.pid))
    elapsed = time.monotonic() - start
    fds_end = settle()
    rss_end = proc_rss_kib(args.pid)
    growth = rss_end - rss_warm
    print(
        f"requests={args.warmup + args.count} failures={failures} fds_start={fds_start} fds_warm={fds_warm} "
        f"fds_end={fds_end} rss_start_kib={rss_start} rss_warm_kib={rss_warm} rss_end_kib={rss_end} "
        f"rss_peak_kib={peak} growth_kib={growth} rate={int(args.count / elapsed)}"
    )
    ok = failures == 0 and fds_end == fds_start and growth < args.max_growth_kib
    return 0 if ok else 1


# paths ----------------------------------------------------------------------------------------------

# (raw target bytes, what is acceptable): "refused" = 400; "absent" = 400 or 404; "inside" = 200 whose body
# is the named file inside the root. Nothing may ever return the secret that lives outside the root.
PATH_TABLE = [
    (b"/../secret.txt", "refused"),
    (b"/../../../../../../etc/passwd", "refused"),
    (b"/./../secret.txt", "refused"),
    (b"/docs/../../secret.txt", "refused"),
    (b"/%2e%2e/secret.txt", "refused"),
    (b"/%2E%2E/secret.txt", "refused"),
    (b"/%2e%2E/secret.txt", "refused"),
    (b"/.%2e/secret.txt", "refused"),
    (b"/%2e./secret.txt", "refused"),
    (b"/..%2fsecret.txt", "refused"),
    (b"/..%2Fsecret.txt", "refused"),
    (b"/%2e%2e%2fsecret.txt", "refused"),
    (b"/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "refused"),
    (b"/docs/%2e%2e/%2e%2e/secret.txt", "refused"),
    (b"/docs/..%2f..%2fsecret.txt", "refused"),
    (b"%2f..%2fsecret.txt", "refused"),
    (b"/%252e%252e/secret.txt", "absent"),  # double encoding: decoded once, stays a literal name
    (b"/%252e%252e%252fsecret.txt", "absent"),
    (b"/%25%32%65%25%32%65/secret.txt", "absent"),
    (b"/%c0%ae%c0%ae/secret.txt", "absent"),  # overlong UTF-8 for '.': bytes, not dots
    (b"/%c0%ae%c0%ae%c0%afsecret.txt", "absent"),
    (b"/%e0%80%ae%e0%80%ae/secret.txt", "absent"),
    (b"/%c1%9c..%c1%9csecret.txt", "absent"),
    (b"/%u002e%u002e/secret.txt", "refused"),  # IIS %u escapes are malformed escapes here
    (b"/..\\secret.txt", "absent"),  # a backslash is a name byte on Linux
    (b"/..\\..\\secret.txt", "absent"),
    (b"/docs\\..\\..\\secret.txt", "absent"),
    (b"/%5c..%5csecret.txt", "absent"),
    (b"/..%5c..%5csecret.txt", "absent"),
    (b"/..%255csecret.txt", "absent"),
    (b"/%00", "refused"),
    (b"/hello.txt%00.html", "refused"),
    (b"/../secret.txt%00", "refused"),
    (b"/%", "refused"),
    (b"/%2", "refused"),
    (b"/%g0", "refused"),
    (b"/out-dir/secret.txt", "absent"),  # symlink to a folder outside the root
    (b"/out-file", "absent"),  # symlink to a file outside the root
    (b"/out-dir/../secret.txt", "absent"),  # '..' after a symlink: lexical, so /secret.txt inside the root
    (b"/out-dir/%2e%2e/secret.txt", "absent"),
    (b"/loop/secret.txt", "absent"),  # symlink to itself
    (b"/up/secret.txt", "absent"),  # symlink to '..'
    (b"/up/up/secret.txt", "absent"),
    (b"/docs/up/secret.txt", "absent"),
    (b"/abs-etc/passwd", "absent"),  # symlink to /etc
    (b"http://other.example/../secret.txt", "refused"),
    (b"http://other.example/%2e%2e/secret.txt", "refused"),
    (b"http://127.0.0.1@evil.example/../secret.txt", "refused"),
    (b"http://evil.example/hello.txt", "inside:hello.txt"),  # the absolute form's host is ignored: our root
    (b"HTTP://EVIL.EXAMPLE/docs/../hello.txt", "inside:hello.txt"),
    (b"https://evil.example:443/hello.txt", "inside:hello.txt"),
    (b"//evil.example/hello.txt", "absent"),  # not absolute-form: a path with an empty first segment
    (b"/docs/../hello.txt", "inside:hello.txt"),
    (b"/docs/./../hello.txt", "inside:hello.txt"),
    (b"/docs/%2e%2e/hello.txt", "inside:hello.txt"),
    (b"/./hello.txt", "inside:hello.txt"),
    (b"/hello.txt/..", "inside:"),  # the root folder (its listing or index): still inside
    (b"file:///etc/passwd", "refused"),
    (b"*", "refused"),
    (b"../secret.txt", "refused"),
    (b"secret.txt", "refused"),
    (b"/.env", "dotfile"),  # 404, or with --dotfiles the file inside the root
    (b"/%2eenv", "dotfile"),
    (b"/docs/../.env", "dotfile"),
    (b"/env-link", "dotfile"),  # symlink to a dotfile
]


def cmd_paths(args):
    secret = open(args.secret, "rb").read().strip()
    root = args.root
    bad = 0
    counts = {}
    for target, want in PATH_TABLE:
        try:
            with socket.create_connection((HOST, args.port), timeout=10) as sock:
                sock.sendall(b"GET " + target + b" HTTP/1.0\r\n\r\n")
                status, _, body = split_reply(read_reply(sock))
        except OSError as error:
            log(f"paths: {target!r}: {error!r}")
            bad += 1
            continue
        counts[status] = counts.get(status, 0) + 1
        problem = None
        if secret in body:
            problem = "served the secret from outside the root"
        elif want == "refused" and status != 400:
            problem = f"want 400, got {status}"
        elif want == "absent" and status not in (400, 404):
            problem = f"want 400 or 404, got {status}"
        elif want == "dotfile" and not args.dotfiles and status != 404:
            problem = f"want 404, got {status}"
        elif want == "dotfile" and args.dotfiles and (status != 200 or body != open(os.path.join(root, ".env"), "rb").read()):
            problem = f"want 200 with .env, got {status}"
        elif want.startswith("inside:"):
            name = want.split(":", 1)[1]
            if status != 200:
                problem = f"want 200, got {status}"
            elif name and body != open(os.path.join(root, name), "rb").read():
                problem = f"body is not {name}"
        if problem:
            bad += 1
            log(f"paths: {target!r}: {problem}")
    summary = " ".join(f"status_{code}={count}" for code, count in sorted(counts.items(), key=lambda kv: str(kv[0])))
    print(f"targets={len(PATH_TABLE)} bad={bad} {summary}")
    return 0 if bad == 0 else 1


# changing -------------------------------------------------------------------------------------------


def cmd_changing(args):
    """Readers GET a file while a writer rewrites it in place between versions of the same size.

    Every reply must be an error (reset, short body) or exactly one of the versions: never a body of the
    promised length that mixes two.
    """
    versions = [open(path, "rb").read() for path in args.version]
    size = len(versions[0])
    assert all(len(v) == size for v in versions), "versions must have one size"
    stop = threading.Event()
    rewrites = 0

    def writer():
        nonlocal rewrites
        index = 0
        with open(args.file, "r+b", buffering=0) as out:
            while not stop.is_set():
                index = (index + 1) % len(versions)
                data = versions[index]
                # In place, in pieces: exactly how a careless editor or a log-appending job would do it.
                for offset in range(0, size, 1 << 16):
                    out.seek(offset)
                    out.write(data[offset : offset + (1 << 16)])
                rewrites += 1
                time.sleep(args.writer_pause)

    stats = {"whole": 0, "error": 0, "mixed": 0}
    lock = threading.Lock()

    def reader(slow):
        deadline = time.monotonic() + args.seconds
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((HOST, args.port), timeout=10) as sock:
                    if slow:
                        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)
                    sock.sendall(b"GET " + args.path.encode() + b" HTTP/1.0\r\n\r\n")
                    chunks = []
                    while True:
                        chunk = sock.recv(1 << 16)
                        if not chunk:
                            break
                        chunks.append(chunk)
                        if slow:
                            time.sleep(0.002)
                    status, headers, body = split_reply(b"".join(chunks))
                    length = int(headers.get("content-length", "-1"))
                    if status != 200 or len(body) != length:
                        kind = "error"  # short body: a client that checks Content-Length fails
                    elif body in versions:
                        kind = "whole"
                    else:
                        kind = "mixed"
            except OSError:
                kind = "error"
            with lock:
                stats[kind] += 1

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    readers = [threading.Thread(target=reader, args=(i % 2 == 1,)) for i in range(args.readers)]
    for r in readers:
        r.start()
    for r in readers:
        r.join()
    stop.set()
    thread.join()
    print(f"replies={sum(stats.values())} whole={stats['whole']} errors={stats['error']} mixed={stats['mixed']} "
          f"rewrites={rewrites}")
    return 0 if stats["mixed"] == 0 else 1


def cmd_midway(args):
    """One slow GET of a large file; after --after bytes, the file is changed by --action.

    rewrite, truncate, append: the client must get an error (a reset or a short body), never a whole-length
    body. delete, replace (a new file renamed over the name): the open file is untouched, so the client
    must get exactly the original bytes.
    """
    original = open(args.file, "rb").read()
    with socket.create_connection((HOST, args.port), timeout=10) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
        sock.sendall(b"GET " + args.path.encode() + b" HTTP/1.0\r\n\r\n")
        chunks = []
        total = 0
        changed = False
        outcome = "eof"
        try:
            while True:
                chunk = sock.recv(1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
                if total > args.after and not changed:
                    changed = True
                    if args.action == "rewrite":
                        # Another version of the same size, written over the whole file in place.
                        with open(args.file, "r+b") as out:
                            half = len(original) // 2
                            out.write(original[half:] + original[:half])
                    elif args.action == "truncate":
                        os.truncate(args.file, len(original) // 2)
                    elif args.action == "append":
                        with open(args.file, "ab") as out:
                            out.write(b"appended")
                    elif args.action == "delete":
                        os.unlink(args.file)
                    elif args.action == "replace":
                        with open(args.file + ".new", "wb") as out:
                            out.write(bytes(len(original)))
                        os.rename(args.file + ".new", args.file)
                time.sleep(0.001)
        except OSError as error:
            outcome = type(error).__name__
    status, headers, body = split_reply(b"".join(chunks))
    length = int(headers.get("content-length", "-1"))
    whole = status == 200 and body == original
    complete_looking = status == 200 and len(body) == length
    print(f"action={args.action} outcome={outcome} status={status} body={len(body)} length={length} whole={whole}")
    if args.action in ("delete", "replace"):
        return 0 if whole and outcome == "eof" else 1
    # An error: a reset, or fewer bytes than Content-Length. Never a full-length body that is not the file.
    return 0 if (outcome != "eof" or not complete_looking) else 1


# evil-server ----------------------------------------------------------------------------------------


def gzip_bomb(size):
    """A gzip stream of `size` zero bytes, made without holding them: compressed it is about size/1000."""
    import zlib

    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1 << 20)
    parts = []
    left = size
    while left > 0:
        take = min(left, len(block))
        parts.append(compressor.compress(block[:take]))
        left -= take
    parts.append(compressor.flush())
    return b"".join(parts)


def cmd_evil_server(args):
    """Serves one misbehaviour to every connection until --seconds pass; prints the port first."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((HOST, 0))
    listener.listen(16)
    listener.settimeout(0.5)
    print(listener.getsockname()[1], flush=True)
    bomb = gzip_bomb(args.bomb_bytes) if args.mode == "gzip-bomb" else b""
    deadline = time.monotonic() + args.seconds

    def serve(conn):
        conn.settimeout(5)
        try:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                data += chunk
            end = min(deadline, time.monotonic() + args.stream_seconds)
            if args.mode == "endless-header":
                conn.sendall(b"HTTP/1.0 200 OK\r\nX-Endless: ")
                filler = b"a" * 65536
                while time.monotonic() < end:
                    conn.sendall(filler)
            elif args.mode == "many-headers":
                conn.sendall(b"HTTP/1.0 200 OK\r\n")
                line = b"X-Many: 1\r\n" * 4096
                while time.monotonic() < end:
                    conn.sendall(line)
            elif args.mode == "huge-length":
                conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 9223372036854775807\r\n\r\n" + b"x" * 1024)
            elif args.mode == "overflow-length":
                conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\nxyz")
            elif args.mode == "endless-body":
                conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n")
                filler = bytes(1 << 16)
                while time.monotonic() < end:
                    conn.sendall(filler)
            elif args.mode == "gzip-bomb":
                conn.sendall(
                    b"HTTP/1.0 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(bomb) + bomb
                )
            elif args.mode == "garbage":
                conn.sendall(bytes(random.Random(7).randrange(256) for _ in range(4096)))
            elif args.mode == "garbage-status":
                conn.sendall(b"HTTP/1.0 OK 200 \x00\xff\r\n\r\nbody")
        except OSError:
            pass
        finally:
            conn.close()

    while time.monotonic() < deadline:
        try:
            conn, _ = listener.accept()
        except socket.timeout:
            continue
        threading.Thread(target=serve, args=(conn,), daemon=True).start()
    return 0


# sample ---------------------------------------------------------------------------------------------


def cmd_sample(args):
    """Samples a process's descriptor count and VmRSS every 100 ms until --seconds or a stop file."""
    peak_fds = peak_rss = 0
    first = (proc_fds(args.pid), proc_rss_kib(args.pid))
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline:
        if args.stop_file and os.path.exists(args.stop_file):
            break
        fds, rss = proc_fds(args.pid), proc_rss_kib(args.pid)
        if fds < 0:
            break
        peak_fds, peak_rss = max(peak_fds, fds), max(peak_rss, rss)
        time.sleep(0.1)
    print(f"fds_first={first[0]} fds_peak={peak_fds} rss_first_kib={first[1]} rss_peak_kib={peak_rss}")
    return 0


def cmd_measure(args):
    """Runs a command and prints its exit status and peak resident memory (getrusage of the child)."""
    import subprocess

    command = args.argv[1:] if args.argv and args.argv[0] == "--" else args.argv
    start = time.monotonic()
    child = subprocess.Popen(command)
    _, status, usage = os.wait4(child.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    print(f"exit={code} maxrss_kib={usage.ru_maxrss} seconds={time.monotonic() - start:.2f}")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("fetch-loop")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--path", required=True)
    p.add_argument("--expect", required=True)
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--count", type=int, default=0)
    p.add_argument("--timeout", type=float, default=10)
    p.add_argument("--pause", type=float, default=0.0)
    p.add_argument("--stop-file")
    p.set_defaults(run=cmd_fetch_loop)

    p = sub.add_parser("slowloris")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--connections", type=int, default=200)
    p.add_argument("--seconds", type=float, default=5)
    p.add_argument("--interval", type=float, default=1)
    p.add_argument("--rate", type=float, default=0)
    p.set_defaults(run=cmd_slowloris)

    p = sub.add_parser("slowread")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--path", required=True)
    p.add_argument("--connections", type=int, default=50)
    p.add_argument("--seconds", type=float, default=5)
    p.add_argument("--interval", type=float, default=0.5)
    p.add_argument("--bytes", type=int, default=32)
    p.set_defaults(run=cmd_slowread)

    p = sub.add_parser("flood")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--connections", type=int, default=500)
    p.add_argument("--hold", type=float, default=10)
    p.add_argument("--rate", type=float, default=0)
    p.add_argument("--quiet", type=float, default=10, help="stop once nothing closed for this long")
    p.add_argument("--probe-wait", type=float, default=5, help="then wait this long for the rest (> --timeout)")
    p.add_argument("--expect-all-closed", action="store_true")
    p.set_defaults(run=cmd_flood)

    p = sub.add_parser("resets")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--path", required=True)
    p.add_argument("--count", type=int, default=50)
    p.add_argument("--read", type=int, default=10000)
    p.set_defaults(run=cmd_resets)

    p = sub.add_parser("half-close")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--count", type=int, default=50)
    p.add_argument("--timeout", type=float, default=5)
    p.set_defaults(run=cmd_half_close)

    p = sub.add_parser("trickle")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--path", required=True)
    p.add_argument("--expect")
    p.add_argument("--status", type=int, default=200)
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--pause", type=float, default=0.02)
    p.set_defaults(run=cmd_trickle)

    p = sub.add_parser("soak")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--file", action="append", required=True, help="URLPATH=LOCALFILE (repeatable)")
    p.add_argument("--warmup", type=int, default=1000)
    p.add_argument("--count", type=int, default=10000)
    p.add_argument("--max-growth-kib", type=int, default=2048)
    p.set_defaults(run=cmd_soak)

    p = sub.add_parser("paths")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--root", required=True)
    p.add_argument("--secret", required=True)
    p.add_argument("--dotfiles", action="store_true", help="the server runs with --dotfiles")
    p.set_defaults(run=cmd_paths)

    p = sub.add_parser("changing")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--path", required=True)
    p.add_argument("--file", required=True)
    p.add_argument("--version", action="append", required=True)
    p.add_argument("--seconds", type=float, default=5)
    p.add_argument("--readers", type=int, default=4)
    p.add_argument("--writer-pause", type=float, default=0.01)
    p.set_defaults(run=cmd_changing)

    p = sub.add_parser("midway")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--path", required=True)
    p.add_argument("--file", required=True)
    p.add_argument("--action", required=True, choices=["rewrite", "truncate", "append", "delete", "replace"])
    p.add_argument("--after", type=int, default=4 << 20)
    p.set_defaults(run=cmd_midway)

    p = sub.add_parser("evil-server")
    p.add_argument(
        "--mode",
        required=True,
        choices=[
            "endless-header", "many-headers", "huge-length", "overflow-length", "endless-body", "gzip-bomb",
            "garbage", "garbage-status",
        ],
    )
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--stream-seconds", type=float, default=10)
    p.add_argument("--bomb-bytes", type=int, default=1 << 30)
    p.set_defaults(run=cmd_evil_server)

    p = sub.add_parser("measure")
    p.add_argument("argv", nargs=argparse.REMAINDER)
    p.set_defaults(run=cmd_measure)

    p = sub.add_parser("sample")
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--stop-file")
    p.set_defaults(run=cmd_sample)

    args = parser.parse_args()
    sys.exit(args.run(args))


if __name__ == "__main__":
    main()

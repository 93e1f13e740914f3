#!/usr/bin/env python3
"""Raw clients and throwaway servers for the scripts (http-serve's and http-fetch's tests), standard library only.

The one place for the scripts' socket code: scripts/lib.sh, scripts/tests, scripts/hostile, scripts/bench and
scripts/browser-check call these subcommands instead of inline Python. Every subcommand talks to 127.0.0.1 only,
is bounded in count and in time, and ends by itself. The clients print one line of `key=value` figures (the last
line of their output) and exit 1 when the property they check does not hold; the servers print their port first.

Raw clients
  exchange        send bytes (escapes decoded), optionally half-close, print the exact reply or a summary
  tls-half-close  one https GET that ends its request with nothing, close_notify, a TCP FIN or both; prints
                  what came back and how the connection ended (the half-close table of the README)
  fetch-loop      GET one file again and again (optionally until a stop file appears); every reply must be
                  a 200 with exactly the expected bytes
  paced-download  GET a large file at a set rate with a small receive buffer, marking when it started
  post-linger     POST a body, then read: the whole 501 must arrive, never a reset
  auth-timing     wrong passwords for an existing and a missing user must cost the same order of time
  mixed-requests  thousands of requests of every kind (errors, HTTP/0.9, garbage, half-close, resets)
  hold-idle       hold idle connections until told to let go; count the ones the server closes
Hostile clients
  slowloris       N connections that send a request head a few bytes at a time, forever (python fallback
                  for slowhttptest -H)
  slowread        N connections that ask for a large file and read it a trickle at a time (slowhttptest -X)
  flood           N connections opened and abandoned without a request; reports how many the server
                  closed, how long it took, and how many the kernel dropped from a full backlog
  resets          clients that reset (SO_LINGER 0) in the middle of a large response
  half-close      clients that half-close before sending anything: the server must close without a reply
  trickle         requests sent one byte at a time with pauses: the reply must still be complete
  soak            sequential requests; samples the server's descriptors and resident memory
  fd-exhaustion   idle connections take every descriptor of a limited server: no spinning, honest answers
  paths           a table of hostile targets against a server whose root holds a known secret outside it
  midway          one slow GET of a large file that is rewritten, truncated, grown, deleted or replaced
                  half-way: an error or the whole original, never a mix of the right length
  changing        GETs of a file that another process rewrites in place, over and over: counts whole
                  versions, errors and mixes
Throwaway servers for http-fetch
  evil-server     misbehaves on purpose (endless header, huge Content-Length, gzip bomb, garbage, endless body)
  canned-server   answers every request with the same bytes (or never), or the case its path names in a table
  connect-proxy   a tunnelling proxy: CONNECT gets 200 and a relay (or 407 with --deny)
  range-server    a file with ranges or without, cut short after the client half-closes (nginx's habit)
Differential
  diff-server     the same raw requests to http-serve and to a reference server (nginx, Python's http.server):
                  status codes and the fields that matter must agree, or the case is a listed divergence
Tools
  sample          peak descriptors and resident memory of a process over a time
  measure         run a command; print its exit status and peak resident memory
  free-port       a free TCP port on 127.0.0.1
  png-check       a screenshot's size, and that it is not blank
  links           the resolved targets of a page's links
  url-path        the percent-decoded path of a URL
"""

import argparse
import gzip
import os
import random
import re
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


def accepted_client_ports(server_port):
    """The client ports of the IPv4 connections to server_port that a process has accepted: in /proc/net/tcp
    (proc(5)) the server's side of a connection still in the accept queue has no file yet, so its inode is 0."""
    ports = set()
    with open("/proc/net/tcp") as table:
        next(table)
        for line in table:
            fields = line.split()
            local, remote, inode = fields[1], fields[2], fields[9]
            if int(local.split(":")[1], 16) == server_port and inode != "0":
                ports.add(int(remote.split(":")[1], 16))
    return ports


def proc_rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1


def read_reply(sock, limit=1 << 30, on_chunk=None):
    """Reads until EOF (or `limit` bytes) and returns the bytes: the one "recv until EOF" loop of the scripts.

    `on_chunk(received)`, when given, runs after each read with the byte count so far (to pace a slow reader,
    or to act half-way through a body). A reset or timeout raises; the bytes read until then are on the
    exception as `partial`.
    """
    chunks = []
    total = 0
    try:
        while total < limit:
            chunk = sock.recv(1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if on_chunk:
                on_chunk(total)
    except OSError as error:
        error.partial = b"".join(chunks)
        raise
    return b"".join(chunks)


def read_head(sock):
    """Reads until the empty line that ends a message head (or EOF); returns what was read."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def unescape(text):
    """Bytes from a command-line argument with backslash escapes (\\r, \\n, \\x01), as bash's printf %b would."""
    return text.encode("latin-1").decode("unicode_escape").encode("latin-1")


def serve_connections(seconds, handle):
    """A throwaway threaded server on 127.0.0.1 for --seconds: prints its port first (the scripts wait for that
    line), then runs `handle(conn)` on a thread of its own for each connection, and closes the connection after."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((HOST, 0))
    listener.listen(16)
    listener.settimeout(0.5)
    print(listener.getsockname()[1], flush=True)
    deadline = time.monotonic() + seconds

    def run(conn):
        try:
            handle(conn)
        except OSError:
            pass
        finally:
            conn.close()

    while time.monotonic() < deadline:
        try:
            conn, _ = listener.accept()
        except socket.timeout:
            continue
        threading.Thread(target=run, args=(conn,), daemon=True).start()
    return 0


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


def get(port, target, timeout=10.0, extra=b"", tls_ca=None):
    """One HTTP/1.0 GET; returns (status, headers, body). With tls_ca (a CA file), over https to 127.0.0.1."""
    with socket.create_connection((HOST, port), timeout=timeout) as raw:
        sock = raw
        if tls_ca:
            import ssl

            sock = ssl.create_default_context(cafile=tls_ca).wrap_socket(raw, server_hostname=HOST)
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
            status, headers, body = get(args.port, args.path.encode(), timeout=args.timeout, tls_ca=args.tls_ca)
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


def keep_up(socks, seconds, interval, step):
    """Every `interval` until `seconds` pass or none is left, runs `step(sock)` on each connection still open;
    a step that returns False or raises OSError (other than "would block") means the server ended it. Closes
    every connection at the end; returns how many were still open then."""
    alive = set(socks)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and alive:
        for sock in list(alive):
            try:
                keep = step(sock)
            except BlockingIOError:
                keep = True  # nothing from the server: it still holds the connection
            except OSError:
                keep = False
            if not keep:
                alive.discard(sock)
                sock.close()
        time.sleep(interval)
    for sock in alive:
        sock.close()
    return len(alive)


def cmd_slowloris(args):
    """Each connection sends 'GET / HTTP/1.0\\r\\n' and then one more header line every interval."""
    raise_nofile()
    socks, _ = open_many(args.port, args.connections, rate=args.rate)
    time.sleep(0.2)
    sent_head = set()

    def step(sock):
        sock.send(b"GET / HTTP/1.0\r\n" if sock not in sent_head else b"X-a: %d\r\n" % random.randint(0, 9999))
        sent_head.add(sock)
        # EOF, or any reply (the 408 at the server's timeout), means the server ended it.
        sock.recv(4096, socket.MSG_DONTWAIT)
        return False

    held = keep_up(socks, args.seconds, args.interval, step)
    print(f"connections={len(socks)} held_at_end={held} closed_by_server={len(socks) - held}")
    return 0


def cmd_tls_stall(args):
    """A slowloris of the TLS handshake: each connection sends the start of a ClientHello (a record header
    announcing 512 bytes, then one byte) and one more byte every interval, never finishing it. Prints
    `connections=N closed_by_server=M first_close=S last_close=S` (seconds from the start to each close)."""
    raise_nofile()
    socks, _ = open_many(args.port, args.connections, rate=args.rate)
    start = time.monotonic()
    time.sleep(0.2)
    sent = set()
    closes = []

    def step(sock):
        try:
            if sock not in sent:
                sock.send(b"\x16\x03\x01\x02\x00\x01")
                sent.add(sock)
            else:
                sock.send(b"\x00")
            sock.recv(4096, socket.MSG_DONTWAIT)  # EOF (or an alert): the server ended it.
        except BlockingIOError:
            return True
        except OSError:
            pass  # A reset, or a send after the server's close: ended too.
        closes.append(time.monotonic() - start)
        return False

    keep_up(socks, args.seconds, args.interval, step)
    first = min(closes) if closes else 0.0
    last = max(closes) if closes else 0.0
    print(f"connections={len(socks)} closed_by_server={len(closes)} first_close={first:.2f} last_close={last:.2f}")
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
    received = 0

    def step(sock):
        nonlocal received
        chunk = sock.recv(args.bytes)
        received += len(chunk)
        return bool(chunk)

    held = keep_up(socks, args.seconds, args.interval, step)
    print(f"connections={len(socks)} held_at_end={held} received={received}")
    return 0


# flood ----------------------------------------------------------------------------------------------


def cmd_flood(args):
    """Opens N connections, sends nothing, and watches the server close them; then closes the rest.

    A connection counts as closed by the server when a read returns EOF or a reset. The connections
    in the backlog beyond --max-connections are accepted later and closed after their own timeout. It stops once
    nothing closed for --quiet seconds, then waits --probe-wait (more than the server's --timeout) for the rest.
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
    """Warm-up requests, then the measured run; samples the server's fds and VmRSS along the way.
    Each --file is URLPATH=LOCALFILE (repeatable)."""
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
    """Every target of PATH_TABLE against a server whose root is --root; --dotfiles: it runs with --dotfiles."""
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
                    reply = read_reply(sock, on_chunk=(lambda _: time.sleep(0.002)) if slow else None)
                    status, headers, body = split_reply(reply)
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
        changed = False
        outcome = "eof"

        def change(received):
            nonlocal changed
            if received > args.after and not changed:
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

        try:
            reply = read_reply(sock, on_chunk=change)
        except OSError as error:
            outcome = type(error).__name__
            reply = error.partial
    status, headers, body = split_reply(reply)
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
    bomb = gzip_bomb(args.bomb_bytes) if args.mode == "gzip-bomb" else b""
    deadline = time.monotonic() + args.seconds

    def serve(conn):
        conn.settimeout(5)
        read_head(conn)
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
            conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(bomb) + bomb)
        elif args.mode == "garbage":
            conn.sendall(bytes(random.Random(7).randrange(256) for _ in range(4096)))
        elif args.mode == "garbage-status":
            conn.sendall(b"HTTP/1.0 OK 200 \x00\xff\r\n\r\nbody")

    return serve_connections(args.seconds, serve)


# The directives a canned reply may hold, expanded when it is sent (see cmd_canned_server).
DIRECTIVE = re.compile(rb"\{(pause|reset|silent|endless|repeat|gz|gzlen|gzchunk|bomb|bomblen|chunk|port)(?::([^}]*))?\}")


def read_table(path, columns, usage):
    """The rows of a tab-separated case table (scripts/diff-client.cases, scripts/diff-server.cases): '#' lines
    and empty lines are skipped; each row has `columns` or `columns + 1` fields (the last one, EXPECTED, is
    optional, None when absent) and a unique, non-empty NAME first, or the script stops at `path:line` with
    `usage`. Yields (line number, fields)."""
    names = set()
    with open(path, encoding="utf-8") as table:
        for number, line in enumerate(table, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) not in (columns, columns + 1) or not fields[0] or fields[0] in names:
                raise SystemExit(f"{path}:{number}: want {usage}, unique names")
            names.add(fields[0])
            yield number, fields + [None] * (columns + 1 - len(fields))


def read_cases(path):
    """The case table of canned-server --cases (and scripts/diff-client): NAME, FLAGS, REPLY and an optional
    EXPECTED column. Returns a dict NAME -> (flags, reply, expected), in file order."""
    rows = read_table(path, 3, "NAME<TAB>FLAGS<TAB>REPLY[<TAB>EXPECTED]")
    return {fields[0]: tuple(fields[1:]) for _, fields in rows}


def expand_reply(text, port=0):
    """The steps of a canned reply: its backslash escapes decoded, then each directive replaced:
    {pause:S} waits S seconds, {reset} ends with a TCP reset (SO_LINGER 0), {silent} sends nothing more for
    30 s, {endless:TEXT} sends TEXT again and again for 5 s, {repeat:N:TEXT} is TEXT N times, {gz:TEXT} and
    {gzlen:TEXT} are TEXT gzipped and that length, {bomb:N} and {bomblen:N} a gzip stream of N zero bytes and
    its length, {chunk:TEXT} one chunk of chunked coding holding TEXT, {gzchunk:TEXT} one holding TEXT gzipped,
    {port} the server's port. Returns a list of (action, value)."""
    data = unescape(text)
    steps = []
    position = 0
    for match in DIRECTIVE.finditer(data):
        if match.start() > position:
            steps.append(("send", data[position : match.start()]))
        position = match.end()
        name, value = match.group(1).decode(), match.group(2) or b""
        if name == "pause":
            steps.append(("pause", float(value)))
        elif name in ("reset", "silent"):
            steps.append((name, None))
        elif name == "endless":
            steps.append(("endless", value))
        elif name == "repeat":
            count, _, piece = value.partition(b":")
            steps.append(("send", piece * int(count)))
        elif name in ("gz", "gzlen"):
            packed = gzip.compress(value, mtime=0)
            steps.append(("send", packed if name == "gz" else str(len(packed)).encode()))
        elif name in ("bomb", "bomblen"):
            packed = gzip_bomb(int(value))
            steps.append(("send", packed if name == "bomb" else str(len(packed)).encode()))
        elif name in ("chunk", "gzchunk"):
            piece = gzip.compress(value, mtime=0) if name == "gzchunk" else value
            steps.append(("send", b"%x\r\n%s\r\n" % (len(piece), piece)))
        elif name == "port":
            steps.append(("send", str(port).encode()))
    if position < len(data):
        steps.append(("send", data[position:]))
    return steps


def play(conn, steps):
    """Sends a canned reply's steps on `conn` (see expand_reply)."""
    for action, value in steps:
        if action == "send":
            conn.sendall(value)
        elif action == "pause":
            time.sleep(value)
        elif action == "silent":
            time.sleep(30)
            return
        elif action == "endless":
            end = time.monotonic() + 5
            while time.monotonic() < end:
                conn.sendall(value * max(1, 65536 // max(1, len(value))))
        elif action == "reset":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return


def cmd_canned_server(args):
    """Answers every connection with --reply once the request head is in, then closes; with --cases FILE the
    request path /NAME picks the reply of case NAME from that table (see read_cases; an unknown name gets a
    404). Replies hold backslash escapes and directives (see expand_reply); --reply SILENT never answers (for
    client timeouts). With --tls-cert and --tls-key it speaks TLS and ends with a bare TCP close, no
    close_notify (a truncation, as an attacker would cause). With --log, each request head is appended to that
    file before the answer; with --watch SECONDS as well, what the client did next within that time: "after
    the request: open" (nothing), "close_notify" (TLS only), "fin" (the TCP half-close) or "data". Prints the
    port first."""
    if args.cases:
        table = {name: case[1] for name, case in read_cases(args.cases).items()}
    elif args.reply is None:
        raise SystemExit("canned-server: --reply or --cases")
    fixed = None if args.cases else expand_reply("{silent}" if args.reply == "SILENT" else args.reply)
    context = None
    if args.tls_cert:
        import ssl

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)

    def serve(conn):
        if context is not None:
            # SSLSocket.close() closes the socket without SSL_shutdown: the client sees TCP's end only.
            # Without ragged-EOF suppression a TCP end without close_notify raises instead of reading b"".
            conn = context.wrap_socket(conn, server_side=True, suppress_ragged_eofs=False)
        head = read_head(conn)
        if args.log:
            after = b""
            if args.watch > 0:
                conn.settimeout(args.watch)
                try:
                    data = conn.recv(4096)
                    after = b"data" if data else b"close_notify" if context is not None else b"fin"
                except socket.timeout:
                    after = b"open"
                except ssl_errors(context):
                    after = b"fin"
                after = b"after the request: " + after + b"\n"
            with open(args.log, "ab") as log:
                log.write(head + after)
        steps = fixed
        if steps is None:
            parts = head.split(b"\r\n", 1)[0].split(b" ")
            name = parts[1].decode("latin-1").lstrip("/").split("?")[0] if len(parts) > 1 else ""
            reply = table.get(name, "HTTP/1.0 404 Not Found\\r\\nContent-Length: 0\\r\\n\\r\\n")
            steps = expand_reply(reply, conn.getsockname()[1])
        play(conn, steps)

    return serve_connections(args.seconds, serve)


def ssl_errors(context):
    """The exception a TLS socket raises for a TCP end without close_notify (none for a plain socket)."""
    if context is None:
        return ()
    import ssl

    return ssl.SSLEOFError


def cmd_connect_proxy(args):
    """An HTTP proxy that only tunnels (RFC 9110 §9.3.6): `CONNECT host:port` gets 200 and then the bytes are
    relayed both ways until either side closes; with --deny it answers 407 instead. Each CONNECT line is
    appended to --log. Prints the port first."""

    def relay(source, target):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                target.sendall(data)
        except OSError:
            pass
        finally:
            try:
                target.shutdown(socket.SHUT_WR)
            except OSError:
                pass

    def serve(conn):
        head = read_head(conn)
        with open(args.log, "ab") as log:
            log.write(head)
        request_line = head.split(b"\r\n", 1)[0].split(b" ")
        if args.deny or len(request_line) < 2 or request_line[0] != b"CONNECT":
            conn.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n")
            return
        host, _, port = request_line[1].decode("latin-1").rpartition(":")
        upstream = socket.create_connection((host.strip("[]"), int(port)), timeout=10)
        conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        back = threading.Thread(target=relay, args=(upstream, conn), daemon=True)
        back.start()
        relay(conn, upstream)
        back.join(10)
        upstream.close()

    return serve_connections(args.seconds, serve)



def read_server_cases(path):
    """The table of scripts/diff-server: one case a line, tab-separated NAME, REFERENCE (nginx or python),
    REQUEST (backslash escapes), FIELDS (comma-separated names compared beside the status, or -) and an
    optional EXPECTED, a deliberate divergence listed in the README: `!NNN` (http-serve's status, which the
    reference must not give) or `!name=value` (http-serve's value of a field, comparable() form, which the
    reference's must differ from). Returns a list of (name, reference, request, fields, expected)."""
    cases = []
    for number, (name, reference, request, wanted, expected) in read_table(
        path, 4, "NAME<TAB>nginx|python<TAB>REQUEST<TAB>FIELDS[<TAB>!STATUS]"
    ):
        if reference not in ("nginx", "python"):
            raise SystemExit(f"{path}:{number}: the reference is nginx or python, not {reference!r}")
        if expected is not None and not re.fullmatch(r"!(\d{3}|0\.9|[a-z-]+=.*)", expected):
            raise SystemExit(f"{path}:{number}: EXPECTED is !STATUS or !name=value, not {expected!r}")
        fields = [] if wanted == "-" else [field.strip().lower() for field in wanted.split(",")]
        cases.append((name, reference, unescape(request), fields, expected))
    return cases


def server_answer(port, request, timeout=5.0):
    """Sends REQUEST, reads to the end (or the timeout) and returns (status, {lowercase name: value}).
    A reply without a status line is HTTP/0.9: status "0.9"; no reply at all is "none"."""
    with socket.create_connection((HOST, port), timeout=timeout) as sock:
        sock.sendall(request)
        try:
            reply = read_reply(sock, limit=1 << 24)
        except OSError as error:  # A reset or a timeout: judge what came before it.
            reply = getattr(error, "partial", b"")
    if not reply:
        return "none", {}
    if not reply.startswith(b"HTTP/"):
        return "0.9", {}
    # Interim 1xx heads (an HTTP/1.1 server's 100 Continue) come before the answer: compare the final one.
    while re.match(rb"HTTP/\d\.\d 1\d\d", reply) and b"\r\n\r\n" in reply:
        reply = reply.split(b"\r\n\r\n", 1)[1]
    head = reply.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    parts = head[0].split(" ", 2)
    fields = {}
    for line in head[1:]:
        name, _, value = line.partition(":")
        fields.setdefault(name.strip().lower(), value.strip())
    return (parts[1] if len(parts) > 1 else "?"), fields


def comparable(name, value):
    """A field's value as compared: a media type without parameters (charset is a server's choice); a multipart
    boundary is each server's own; anything else as sent."""
    if value is None:
        return None
    if name == "content-type":
        return value.split(";", 1)[0].strip().lower()
    return value


def cmd_diff_server(args):
    """Sends every case of --cases to http-serve (--ours) and to its reference (--nginx or --python, both
    ports), and compares the status codes and each listed field. Prints `ok NAME` or `FAIL NAME: ...` a case,
    then `diff-server: N passed, N failed, N skipped`; exits 1 when any case failed. --only NAME,NAME runs some."""
    only = set(args.only.split(",")) if args.only else None
    references = {"nginx": args.nginx, "python": args.python}
    passed = failed = skipped = 0
    for name, reference, request, wanted, expected in read_server_cases(args.cases):
        if only is not None and name not in only:
            continue
        if not references[reference]:
            print(f"SKIP  {name}: no {reference} to compare with")
            skipped += 1
            continue
        ours, our_fields = server_answer(args.ours, request)
        theirs, their_fields = server_answer(references[reference], request)
        problems = []
        listed_field = None
        if expected is not None and "=" in expected:
            # A field that differs on purpose: ours must be the listed value, theirs another.
            listed_field, listed_value = expected[1:].split("=", 1)
            a, b = comparable(listed_field, our_fields.get(listed_field)), comparable(listed_field, their_fields.get(listed_field))
            if a != listed_value:
                problems.append(f"http-serve's {listed_field} {a!r}, the listed divergence says {listed_value!r}")
            if b == listed_value:
                problems.append(f"{reference} now agrees on {listed_field}: take the divergence off the list")
            note = f"{listed_field} {a}, {reference} {b}"
        elif expected is not None:
            if ours != expected[1:]:
                problems.append(f"http-serve's status {ours}, the listed divergence says {expected[1:]}")
            if theirs == expected[1:]:
                problems.append(f"{reference} now agrees ({theirs}): take the divergence off the list")
            note = f"{ours}, {reference} {theirs}"
        else:
            note = f"{ours} = {reference}"
        if expected is None or listed_field is not None:
            if ours != theirs:
                problems.append(f"status: http-serve {ours}, {reference} {theirs}")
            else:
                for field in wanted:
                    a, b = comparable(field, our_fields.get(field)), comparable(field, their_fields.get(field))
                    if field != listed_field and a != b:
                        problems.append(f"{field}: http-serve {a!r}, {reference} {b!r}")
        if problems:
            failed += 1
            print(f"FAIL  {name}: " + "; ".join(problems))
        else:
            passed += 1
            print(f"ok    {name} ({note})")
    print(f"diff-server: {passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


def cmd_range_server(args):
    """Serves --file at /ranges (honours `Range: bytes=N-` when If-Range is "v1") and /noranges (always the whole
    file), ETag "v1". A client that half-closed gets only the head and the first --cut body bytes, then the close:
    nginx's habit after a half-close (issue 9). Prints the port first."""
    data = open(args.file, "rb").read()

    def serve(conn):
        request = read_head(conn)
        if b"\r\n\r\n" not in request:
            return
        lines = request.split(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
        path = lines[0].split(" ")[1]
        fields = {l.split(":", 1)[0].lower(): l.split(":", 1)[1].strip() for l in lines[1:] if ":" in l}
        conn.settimeout(0.3)
        try:
            half_closed = conn.recv(1) == b""
        except socket.timeout:
            half_closed = False
        conn.settimeout(10)
        start = 0
        if path == "/ranges" and fields.get("range", "").startswith("bytes=") and fields.get("if-range") == '"v1"':
            start = int(fields["range"][6:].rstrip("-"))
        if start:
            head = "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes %d-%d/%d\r\n" % (start, len(data) - 1, len(data))
        else:
            head = "HTTP/1.1 200 OK\r\n"
        head += 'Content-Length: %d\r\nETag: "v1"\r\nConnection: close\r\n\r\n' % (len(data) - start)
        body = data[start:]
        conn.sendall(head.encode() + (body[: args.cut] if half_closed else body))

    return serve_connections(args.seconds, serve)


# exchange and the scenario clients of scripts/tests -------------------------------------------------


def cmd_exchange(args):
    """One raw exchange: sends --send (backslash escapes decoded) and --fill bytes of 'x', optionally half-closes,
    waits --pause seconds, and reads until EOF. Prints the reply's exact bytes, or with --summary one line
    `first_line=... bytes=N seconds=S` (seconds from the connect to the server's close)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        if args.rcvbuf:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, args.rcvbuf)
        sock.settimeout(args.timeout)
        sock.connect((HOST, args.port))
        start = time.monotonic()
        data = unescape(args.send or "") + b"x" * args.fill
        if data:
            sock.sendall(data)
        if args.half_close:
            sock.shutdown(socket.SHUT_WR)
        time.sleep(args.pause)
        reply = read_reply(sock)
        took = time.monotonic() - start
    if args.summary:
        first = reply.split(b"\r\n", 1)[0].decode("latin-1") if reply else ""
        print(f"first_line={first} bytes={len(reply)} seconds={took:.2f}")
    else:
        sys.stdout.buffer.write(reply)
    return 0


def cmd_tls_half_close(args):
    """One GET of --path over TLS (--tls 1.2 or 1.3, the name --name checked against --cafile's CA) to 127.0.0.1:--port,
    the request followed by --mode: none (nothing: the end of the request is known from its framing), notify
    (close_notify, RFC 8446 §6.1, the TCP connection left open), fin (TCP shutdown(SHUT_WR) under the TLS session)
    or notify-fin (close_notify, then the TCP half-close: http-fetch's --half-close). Reads until the server's
    close_notify, the TCP end, a reset or --timeout, and prints status=, body=, length= and end=, then verdict=:
    ok (the whole body, then close_notify), ok-eof (the whole body, no close_notify), cut (part of it: fewer
    bytes than --size, or than Content-Length without it),
    none (no response), or what failed."""
    try:
        return tls_half_close(args)
    except Exception as error:  # a measurement: say what broke instead of a traceback
        print(f"verdict={type(error).__name__}")
        return 1


def tls_half_close(args):
    """The measurement of cmd_tls_half_close."""
    import ssl

    context = ssl.create_default_context(cafile=args.cafile)
    version = ssl.TLSVersion.TLSv1_3 if args.tls == "1.3" else ssl.TLSVersion.TLSv1_2
    context.minimum_version = context.maximum_version = version
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = context.wrap_bio(incoming, outgoing, server_hostname=args.name)
    sock = socket.create_connection((HOST, args.port), timeout=args.timeout)

    def flush():
        data = outgoing.read()
        if data:
            sock.sendall(data)

    def fill():
        data = sock.recv(1 << 16)
        if data:
            incoming.write(data)
        else:
            incoming.write_eof()
        return bool(data)

    while True:
        try:
            tls.do_handshake()
            break
        except ssl.SSLWantReadError:
            flush()
            if not fill():
                print("verdict=handshake-failed")
                return 1
        except ssl.SSLError as error:
            print(f"end={error.reason} verdict=handshake-failed")
            return 1
    head, body, end, sending = b"", 0, "", "ok"
    try:
        flush()
        tls.write(f"GET {args.path} HTTP/1.0\r\nHost: {args.name}\r\n\r\n".encode())
        flush()
        if args.mode in ("notify", "notify-fin"):
            try:
                tls.unwrap()  # SSL_shutdown(3): our close_notify; the peer's may come later
            except ssl.SSLWantReadError:
                pass
            flush()
        if args.mode in ("fin", "notify-fin"):
            sock.shutdown(socket.SHUT_WR)
    except OSError as error:
        # The server may already have answered and closed (a reset when we send after that): still read.
        sending = type(error).__name__
    while not end:
        try:
            data = tls.read(1 << 16)
            if not data:
                end = "close_notify"
        except ssl.SSLWantReadError:
            try:
                fill()
            except ConnectionResetError:
                end = "reset"
            except socket.timeout:
                end = "timeout"
            continue
        except ssl.SSLZeroReturnError:
            end = "close_notify"
            continue
        except ssl.SSLEOFError:
            end = "eof"
            continue
        except ssl.SSLError as error:
            end = "tls-error:" + str(error.reason)
            continue
        if b"\r\n\r\n" in head or not data:
            body += len(data)
        else:
            head += data
            if b"\r\n\r\n" in head:
                head, _, rest = head.partition(b"\r\n\r\n")
                head += b"\r\n\r\n"
                body = len(rest)
    sock.close()
    status, headers, _ = split_reply(head)
    length = headers.get("content-length")
    expected = args.size if args.size > 0 else int(length) if length is not None else None
    if status is None:
        verdict = "none"
    elif body == expected:
        verdict = "ok" if end == "close_notify" else "ok-eof"
    else:
        verdict = "cut"
    if end.startswith(("reset", "timeout", "tls-error")) and verdict == "none":
        verdict = end.split(":")[0]
    print(f"status={status} body={body} length={length} sending={sending} end={end} verdict={verdict}")
    return 0


def cmd_paced_download(args):
    """GETs --path with a small receive buffer, reading at most --rate bytes a second; touches --started when
    the first bytes arrive and writes the body to --out. Exit 1 when the reply is not a complete 200."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # A small receive buffer: loopback buffers can grow to tens of MiB and would take the whole file at once.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
        sock.settimeout(30)
        sock.connect((HOST, args.port))
        sock.sendall(b"GET " + args.path.encode() + b" HTTP/1.0\r\n\r\n")
        start = time.monotonic()

        def pace(received):
            if args.started and not os.path.exists(args.started):
                open(args.started, "w").close()  # the response has started
            ahead = received / args.rate - (time.monotonic() - start)
            if ahead > 0:
                time.sleep(ahead)

        reply = read_reply(sock, on_chunk=pace)
    status, headers, body = split_reply(reply)
    with open(args.out, "wb") as out:
        out.write(body)
    print(f"status={status} bytes={len(body)} seconds={time.monotonic() - start:.2f}")
    return 0 if status == 200 and str(len(body)) == headers.get("content-length") else 1


def cmd_post_linger(args):
    """POSTs --body-bytes, waits --pause seconds, then reads: the whole 501 page (with Allow and an exact
    Content-Length) must arrive, never a reset (which would raise here)."""
    with socket.create_connection((HOST, args.port), timeout=10) as sock:
        body = b"x" * args.body_bytes
        sock.sendall(b"POST /upload HTTP/1.0\r\nContent-Type: application/octet-stream\r\n"
                     b"Content-Length: %d\r\n\r\n" % len(body))
        sock.sendall(body)
        time.sleep(args.pause)
        out = read_reply(sock)
    head, _, page = out.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    assert lines[0] == b"HTTP/1.0 501 Not Implemented", lines[0]
    assert b"Allow: GET, HEAD" in lines, lines
    assert b"Content-Length: %d" % len(page) in lines, (lines, len(page))
    assert page.endswith(b"</html>\n"), page[-40:]
    print(f"status=501 page_bytes={len(page)}")
    return 0


def cmd_auth_timing(args):
    """A wrong password for --existing and for --missing, median of --rounds each: both must cost the same
    order of time (a missing user is checked against a dummy hash)."""
    import base64
    import statistics

    def once(user):
        token = base64.b64encode(f"{user}:wrong".encode()).decode()
        start = time.perf_counter()
        with socket.create_connection((HOST, args.port), timeout=10) as sock:
            sock.sendall(f"GET /hello.txt HTTP/1.0\r\nAuthorization: Basic {token}\r\n\r\n".encode())
            read_reply(sock)
        return time.perf_counter() - start

    existing = statistics.median(once(args.existing) for _ in range(args.rounds))
    missing = statistics.median(once(args.missing) for _ in range(args.rounds))
    print(f"existing_ms={existing * 1000:.1f} missing_ms={missing * 1000:.1f}")
    return 0 if 0.2 < missing / existing < 5 else 1


def cmd_fd_exhaustion(args):
    """Against a server under a descriptor limit: --idle connections take every descriptor; the server must not
    spin while requests wait in the backlog, must answer a held connection with 200 or 503 (Retry-After), never
    404, and must serve every waiting request with --expect's bytes once the idle clients go."""
    pid = args.pid
    fds = lambda: proc_fds(pid)
    ticks = lambda: sum(int(x) for x in open(f"/proc/{pid}/stat").read().split()[13:15])
    idle = [socket.create_connection((HOST, args.port), timeout=10) for _ in range(args.idle)]
    # Silent clients reach the server when its deferred accept (TCP_DEFER_ACCEPT, 1 s by default) is up: the
    # kernel retransmits the SYN-ACK after a second and hands the connection over on the client's ACK.
    time.sleep(2)
    print(f"server descriptors with {args.idle} idle clients: {fds()}")
    assert fds() >= args.min_fds, "the idle clients never exhausted the descriptors"
    # Requests that wait in the backlog while the server cannot accept.
    request = b"GET " + args.path.encode() + b" HTTP/1.0\r\n\r\n"
    waiting = []
    for _ in range(args.waiting):
        sock = socket.create_connection((HOST, args.port), timeout=20)
        sock.sendall(request)
        waiting.append(sock)
    before = ticks()
    time.sleep(1)
    spent = ticks() - before
    print("CPU ticks in 1 s at EMFILE:", spent)
    assert spent <= 20, f"the server spins at EMFILE ({spent} ticks in 1 s)"
    # A connection the server holds asks for a file: a true answer, 200 or 503, never 404. Which of the idle
    # clients it holds is the kernel's choice (the deferral ends for them all within a moment, in no set order).
    accepted = accepted_client_ports(args.port)
    held = next(sock for sock in idle if sock.getsockname()[1] in accepted)
    idle.remove(held)
    held.sendall(request)
    reply = read_reply(held)
    status = reply.split(b" ", 2)[1]
    print("held connection answered", status.decode())
    assert status in (b"200", b"503"), reply[:200]
    if status == b"503":
        assert b"\r\nRetry-After: 1\r\n" in reply, reply[:300]
    # The idle clients go: the server accepts again and serves every request that waited.
    for sock in idle:
        sock.close()
    expected = open(args.expect, "rb").read()
    for sock in waiting:
        reply = read_reply(sock)
        assert reply.startswith(b"HTTP/1.0 200 OK\r\n") and reply.endswith(expected), reply[:100]
    print(f"all {args.waiting} waiting requests served after descriptors freed up")
    return 0


def cmd_mixed_requests(args):
    """--count requests that cycle through every kind (files, errors, HEAD, HTTP/0.9, garbage, half-close,
    resets mid-body, clients that connect and leave); exit 1 on any client error or empty reply."""
    kinds = [
        b"GET /index.html HTTP/1.0\r\n\r\n", b"GET /missing HTTP/1.0\r\n\r\n", b"HEAD /big.bin HTTP/1.0\r\n\r\n",
        b"GET /index.html\r\n", b"garbage\r\n\r\n", "half-close", "reset", "leave",
    ]
    errors = 0
    for i in range(args.count):
        kind = kinds[i % len(kinds)]
        sock = socket.create_connection((HOST, args.port), timeout=10)
        try:
            if kind == "leave":
                pass
            elif kind == "reset":
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                sock.sendall(b"GET /big.bin HTTP/1.0\r\n\r\n")
                sock.recv(1000)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            else:
                sock.sendall(b"GET /big.bin HTTP/1.0\r\n\r\n" if kind == "half-close" else kind)
                if kind == "half-close":
                    sock.shutdown(socket.SHUT_WR)
                if not read_reply(sock) and kind != b"GET /index.html\r\n":
                    errors += 1
        except OSError as error:
            errors += 1
            log("request", i, kind, error)
        finally:
            sock.close()
    print(f"requests={args.count} errors={errors}")
    return 1 if errors else 0


def cmd_hold_idle(args):
    """Opens --connections idle connections (never sends), touches --ready, waits (at most --seconds) for --go to
    exist; then, with --count-closed S, counts for up to S seconds how many the server closes (EOF, a reply such as
    408 then EOF, or a reset), and closes the rest. Prints `held=N closed=M`."""
    raise_nofile()
    held = [socket.create_connection((HOST, args.port)) for _ in range(args.connections)]
    open(args.ready, "w").close()
    deadline = time.monotonic() + args.seconds  # never outlive a failed test
    while not os.path.exists(args.go) and time.monotonic() < deadline:
        time.sleep(0.05)
    closed = 0
    if args.count_closed:
        selector = selectors.DefaultSelector()
        for sock in held:
            sock.setblocking(False)
            selector.register(sock, selectors.EVENT_READ)
        open_ = len(held)
        until = time.monotonic() + args.count_closed
        while open_ and time.monotonic() < until:
            for key, _ in selector.select(timeout=0.2):
                try:
                    while key.fileobj.recv(65536):
                        pass
                except BlockingIOError:
                    continue
                except OSError:
                    pass
                selector.unregister(key.fileobj)
                closed += 1
                open_ -= 1
    for sock in held:
        sock.close()
    print(f"held={len(held)} closed={closed}")
    return 0


def cmd_paced_latency(args):
    """Open-loop latency: starts one GET of --path every --interval-ms (each in its own thread, whether or not
    the earlier ones are answered) and times each from its scheduled start to the end of its response, so a
    stalled server shows in every request that falls in the stall (no coordinated omission). Prints
    "p50=… p99=… max=… failures=N" in ms."""
    import time
    times = [None] * args.count
    start = time.monotonic() + 0.01

    def one(index):
        scheduled = start + index * args.interval_ms / 1000.0
        try:
            with socket.create_connection((HOST, args.port), timeout=30) as sock:
                sock.sendall(b"GET " + args.path.encode() + b" HTTP/1.0\r\n\r\n")
                while sock.recv(65536):
                    pass
            times[index] = (time.monotonic() - scheduled) * 1000.0
        except OSError:
            pass

    threads = []
    for index in range(args.count):
        delay = start + index * args.interval_ms / 1000.0 - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        thread = threading.Thread(target=one, args=(index,))
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    done = sorted(t for t in times if t is not None)
    if not done:
        print("p50=- p99=- max=- failures=%d" % args.count)
        return 1
    pick = lambda q: done[min(len(done) - 1, int(q * len(done)))]
    print("p50=%.2f p99=%.2f max=%.2f failures=%d" % (pick(0.50), pick(0.99), done[-1], args.count - len(done)))
    return 0


def cmd_free_port(args):
    """Prints a TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then released)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        print(sock.getsockname()[1])
    return 0


# page checks for scripts/browser-check ----------------------------------------------------------------


def cmd_png_check(args):
    """A PNG of --width x --height that is not blank (a blank page compresses to well under --min-bytes)."""
    data = open(args.file, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        log("not a PNG")
        return 1
    width, height = struct.unpack(">II", data[16:24])
    if (width, height) != (args.width, args.height):
        log(f"size {width}x{height}")
        return 1
    if len(data) <= args.min_bytes:
        log(f"only {len(data)} bytes: blank?")
        return 1
    return 0


def cmd_links(args):
    """Prints the target of every <a href> in --html, resolved against --base the way a browser does."""
    import html.parser
    import urllib.parse

    class Links(html.parser.HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "a":
                print(urllib.parse.urljoin(args.base, dict(attrs)["href"]))

    Links().feed(open(args.html, encoding="utf-8").read())
    return 0


def cmd_url_path(args):
    """Prints the path of --url, percent-decoded: the file it names under a server's root."""
    import urllib.parse

    print(urllib.parse.unquote(urllib.parse.urlsplit(args.url).path))
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


# Each subcommand's options, written compactly: "--port:int" is a required int, "--seconds=10.0" an option whose
# default gives its type, "--stop-file=" an optional string, "--dotfiles?" a flag, "--file+" a repeatable string,
# "--mode:a|b" a required choice, "--path" a required string.
EVIL_MODES = "endless-header|many-headers|huge-length|overflow-length|endless-body|gzip-bomb|garbage|garbage-status"
COMMANDS = {
    "fetch-loop": (cmd_fetch_loop, "--port:int --path --expect --seconds=10.0 --count=0 --timeout=10.0 --pause=0.0 --stop-file= --tls-ca="),
    "slowloris": (cmd_slowloris, "--port:int --connections=200 --seconds=5.0 --interval=1.0 --rate=0.0"),
    "tls-stall": (cmd_tls_stall, "--port:int --connections=100 --seconds=5.0 --interval=0.5 --rate=0.0"),
    "slowread": (cmd_slowread, "--port:int --path --connections=50 --seconds=5.0 --interval=0.5 --bytes=32"),
    "flood": (cmd_flood, "--port:int --connections=500 --hold=10.0 --rate=0.0 --expect-all-closed? --quiet=10.0 --probe-wait=5.0"),
    "resets": (cmd_resets, "--port:int --path --count=50 --read=10000"),
    "half-close": (cmd_half_close, "--port:int --count=50 --timeout=5.0"),
    "trickle": (cmd_trickle, "--port:int --path --expect= --status=200 --count=1 --pause=0.02"),
    "soak": (cmd_soak, "--port:int --pid:int --file+ --warmup=1000 --count=10000 --max-growth-kib=2048"),
    "paths": (cmd_paths, "--port:int --root --secret --dotfiles?"),
    "changing": (cmd_changing, "--port:int --path --file --version+ --seconds=5.0 --readers=4 --writer-pause=0.01"),
    "midway": (cmd_midway, "--port:int --path --file --after=4194304 --action:rewrite|truncate|append|delete|replace"),
    "evil-server": (cmd_evil_server, f"--mode:{EVIL_MODES} --seconds=60.0 --stream-seconds=10.0 --bomb-bytes=1073741824"),
    "canned-server": (cmd_canned_server, "--reply= --cases= --seconds=60.0 --tls-cert= --tls-key= --log= --watch=0.0"),
    "connect-proxy": (cmd_connect_proxy, "--log --deny? --seconds=60.0"),
    "range-server": (cmd_range_server, "--file --cut=100000 --seconds=60.0"),
    "diff-server": (cmd_diff_server, "--cases --ours:int --nginx=0 --python=0 --only="),
    "exchange": (cmd_exchange, "--port:int --send= --fill=0 --half-close? --pause=0.0 --rcvbuf=0 --timeout=10.0 --summary?"),
    "tls-half-close": (cmd_tls_half_close, "--port:int --path --name --cafile --tls:1.2|1.3 --mode:none|notify|fin|notify-fin --size=0 --timeout=10.0"),
    "paced-download": (cmd_paced_download, "--port:int --path --out --started= --rate=10485760"),
    "post-linger": (cmd_post_linger, "--port:int --body-bytes:int --pause=0.0"),
    "auth-timing": (cmd_auth_timing, "--port:int --existing --missing --rounds=11"),
    "fd-exhaustion": (cmd_fd_exhaustion, "--port:int --pid:int --path --expect --idle=150 --waiting=5 --min-fds=120"),
    "mixed-requests": (cmd_mixed_requests, "--port:int --count=10000"),
    "hold-idle": (cmd_hold_idle, "--port:int --connections:int --ready --go --seconds=30.0 --count-closed=0.0"),
    "free-port": (cmd_free_port, ""),
    "paced-latency": (cmd_paced_latency, "--port:int --path --count=500 --interval-ms=5.0"),
    "png-check": (cmd_png_check, "--file --width:int --height:int --min-bytes=5000"),
    "links": (cmd_links, "--base --html"),
    "url-path": (cmd_url_path, "--url"),
    "sample": (cmd_sample, "--pid:int --seconds=10.0 --stop-file="),
}


def add_option(parser, spec):
    """Adds one option written as in COMMANDS to an argparse parser."""
    if spec.endswith("?"):
        parser.add_argument(spec[:-1], action="store_true")
    elif spec.endswith("+"):
        parser.add_argument(spec[:-1], action="append", required=True)
    elif "=" in spec:
        name, default = spec.split("=", 1)
        if default == "":
            parser.add_argument(name, default=None)
        else:
            kind = float if "." in default else int
            parser.add_argument(name, type=kind, default=kind(default))
    elif spec.endswith(":int"):
        parser.add_argument(spec[:-4], type=int, required=True)
    elif ":" in spec:
        name, choices = spec.split(":", 1)
        parser.add_argument(name, required=True, choices=choices.split("|"))
    else:
        parser.add_argument(spec, required=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (run, specs) in COMMANDS.items():
        p = sub.add_parser(name, description=run.__doc__)
        for spec in specs.split():
            add_option(p, spec)
        p.set_defaults(run=run)
    p = sub.add_parser("measure", description=cmd_measure.__doc__)
    p.add_argument("argv", nargs=argparse.REMAINDER)
    p.set_defaults(run=cmd_measure)
    args = parser.parse_args()
    sys.exit(args.run(args))


if __name__ == "__main__":
    main()

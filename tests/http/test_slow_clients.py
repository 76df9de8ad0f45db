#!/usr/bin/env python3
"""test_slow_clients.py - one client address cannot hold the service: the
number of connections from one address is limited (max_conns_per_ip), and a
connection that trickles its request head byte by byte is cut at the head
deadline (head_timeout_seconds) however often it sends something, while
other clients are served.  Bounded: 40 sockets, about 10 seconds.  TAP."""

import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

LIMIT = 20
HEAD_S = 3
SLOW = 40


def port_of(srv):
    return int(srv.base.rsplit(":", 1)[1])


def is_closed(s):
    """True when the server has closed (or reset) the connection."""
    s.setblocking(False)
    try:
        d = s.recv(65536)
        return d == b"" or d.startswith(b"HTTP/1.1 4") or d.startswith(b"HTTP/1.1 5")
    except BlockingIOError:
        return False
    except (ConnectionResetError, BrokenPipeError, OSError):
        return True


def trickle(socks, line=b"X-Slow: 1\r\n"):
    for s in socks:
        try:
            s.setblocking(True)
            s.settimeout(0.5)
            s.send(line)
        except OSError:
            pass


def get_from(srv, src_ip, path="/healthz", timeout=5):
    """A complete GET from the given loopback source address; the status or 0."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.bind((src_ip, 0))
        s.connect(("127.0.0.1", port_of(srv)))
        s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % path).encode())
        data = b""
        while True:
            d = s.recv(65536)
            if not d:
                break
            data += d
        return int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.") else 0
    except OSError:
        return 0
    finally:
        s.close()


def main():
    t = harness.Tap()
    env = {"ZHIFA_MAX_CONNS_PER_IP": str(LIMIT), "ZHIFA_HEAD_TIMEOUT_SECONDS": str(HEAD_S)}
    with harness.Server(t, demo=False, env=env) as srv:
        socks = []
        for _ in range(SLOW):
            s = socket.create_connection(("127.0.0.1", port_of(srv)), timeout=5)
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
            socks.append(s)
        t0 = time.monotonic()
        time.sleep(1.0)
        trickle(socks)
        time.sleep(0.3)
        open_now = [s for s in socks if not is_closed(s)]
        t.ok(len(open_now) <= LIMIT, "at most %d of %d connections from one address stay open (%d)"
             % (LIMIT, SLOW, len(open_now)))
        t.ok(len(open_now) >= LIMIT // 2, "connections up to the limit are accepted (%d)" % len(open_now))
        t.is_(get_from(srv, "127.0.0.2"), 200, "a client from another address is served meanwhile")
        t.is_(get_from(srv, "127.0.0.3", "/"), 200, "and another one gets the home page")

        # keep trickling one header line a second, past the head deadline
        while time.monotonic() - t0 < HEAD_S + 2.5:
            trickle(open_now)
            time.sleep(1.0)
        still = [s for s in open_now if not is_closed(s)]
        t.is_(len(still), 0, "every trickling connection is cut at the %d s head deadline" % HEAD_S)
        for s in socks:
            s.close()

        time.sleep(0.5)
        t.is_(get_from(srv, "127.0.0.1"), 200, "the slow clients' own address is served again afterwards")

        # a prompt keep-alive client: two requests on one connection, the second
        # sent within the deadline, are both answered
        s = socket.create_connection(("127.0.0.1", port_of(srv)), timeout=5)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        first = s.recv(65536)
        time.sleep(1.0)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        second = b""
        try:
            while True:
                d = s.recv(65536)
                if not d:
                    break
                second += d
        except OSError:
            pass
        s.close()
        t.ok(first.startswith(b"HTTP/1.1 200") and second.startswith(b"HTTP/1.1 200"),
             "a keep-alive client sending its next request in time is served twice")
        # an idle keep-alive connection is closed at the deadline too, quietly
        s = socket.create_connection(("127.0.0.1", port_of(srv)), timeout=5)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        s.recv(65536)
        n_logged = srv.stderr_text().count("未发完请求头")
        time.sleep(HEAD_S + 1.5)
        t.ok(is_closed(s), "an idle keep-alive connection is closed after %d s" % HEAD_S)
        s.close()
        t.ok(n_logged > 0, "the cut slow connections are logged")
        t.is_(srv.stderr_text().count("未发完请求头"), n_logged, "an idle keep-alive connection is not")
    t.done()


if __name__ == "__main__":
    main()

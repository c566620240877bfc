#!/usr/bin/env python3
"""Hostile input thrown at `kiket-workbench serve` on the C++ example (in-process plugin).

For each attack: what the attacker got back, how a well-behaved client fared meanwhile (GET /health
on its own keep-alive connection: p50, p99, failures) and the resident memory of `serve` before and
after. Attackers connect from 127.0.0.2, the well-behaved client from 127.0.0.1.

usage: bench/hostile.py [BUILD]   (./dev bench runs it; ATTACK_SECONDS=10 per attack)
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SECONDS = float(os.environ.get("ATTACK_SECONDS", "10"))
WORKBENCH = os.path.join(BUILD, "app", "kiket-workbench")
PLUGIN = os.path.join(BUILD, "examples", "hello-extension", "hello-extension-plugin.so")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def attacker(port):
    s = socket.socket()
    s.bind(("127.0.0.2", 0))
    s.settimeout(5)
    s.connect(("127.0.0.1", port))
    return s


def status_of(sock, timeout=10.0):
    """The status line the server sent on this socket, or what happened instead."""
    sock.settimeout(timeout)
    try:
        data = sock.recv(4096)
    except socket.timeout:
        return "no answer"
    except OSError as e:
        return f"closed ({e.strerror})"
    return data.split(b"\r\n", 1)[0].decode(errors="replace") if data else "closed without answer"


class Probe(threading.Thread):
    """The well-behaved client: GET /health in a loop, each on a new connection (a new user)."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.port, self.times, self.failures, self.stop = port, [], 0, threading.Event()

    def run(self):
        sock = None
        while not self.stop.is_set():
            started = time.perf_counter()
            try:
                if sock is None:
                    sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
                sock.sendall(b"GET /health HTTP/1.1\r\nHost: probe\r\n\r\n")
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = sock.recv(4096)
                    if not chunk:
                        raise OSError("closed")
                    data += chunk
                head, _, rest = data.partition(b"\r\n\r\n")
                length = int([h for h in head.split(b"\r\n") if h.lower().startswith(b"content-length")][0].split(b":")[1])
                while len(rest) < length:
                    rest += sock.recv(4096)
                if not head.startswith(b"HTTP/1.1 200"):
                    raise OSError(head.split(b"\r\n")[0].decode())
                self.times.append(time.perf_counter() - started)
                sock.close()
                sock = None
            except (OSError, ValueError, IndexError):
                self.failures += 1
                sock = None
                time.sleep(0.05)
            time.sleep(0.01)

    def figures(self):
        t = sorted(self.times)
        if not t:
            return "no answer at all"
        p = lambda q: t[min(len(t) - 1, int(q * len(t)))] * 1000
        return f"{len(t)} ok, {self.failures} failed, p50 {p(0.5):.2f} ms, p99 {p(0.99):.2f} ms"


def closing_counts(socks):
    """Closes the sockets; how many were answered with each status ("408": 12, …)."""
    counts = {}
    for s in socks:
        s.setblocking(False)
        try:
            status = s.recv(64)[9:12].decode(errors="replace") or "closed"
        except OSError:
            status = "none"
        counts[status] = counts.get(status, 0) + 1
        s.close()
    return ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))


def slowloris(port, n=600):
    socks = [attacker(port) for _ in range(n)]
    for s in socks:
        s.sendall(b"GET /health HTTP/1.1\r\n")
    end = time.time() + max(SECONDS, 12) # past the server's 10 s head deadline
    while time.time() < end:
        for s in socks:
            try:
                s.sendall(b"X")
            except OSError:
                pass
        time.sleep(1)
    return f"{n} dribbling: {closing_counts(socks)}"


def idle(port, n=2000):
    socks, refused = [], 0
    for _ in range(n):
        try:
            socks.append(attacker(port))
        except OSError:
            refused += 1
    time.sleep(SECONDS)
    opened = len(socks)
    return f"{opened} open ({refused} refused): {closing_counts(socks)}"


def send_then_status(sock, pieces):
    """Sends the pieces (stopping when the server closes) and reads the status it answered."""
    sent = 0
    try:
        for piece in pieces:
            sock.sendall(piece)
            sent += 1
    except OSError:
        pass
    answer = status_of(sock)
    sock.close()
    return answer, sent


def big_body(port, mib=200):
    head = (b"POST /v/1/webhooks/issue.created HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {mib * 1024 * 1024}\r\n\r\n".encode())
    chunk = b"x" * (1024 * 1024)
    answer, sent = send_then_status(attacker(port), [head] + [chunk] * mib)
    return f"{answer} after {max(0, sent - 1)} MiB sent"


def many_headers(port, n=20000):
    head = b"GET /health HTTP/1.1\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(n)) + b"\r\n"
    return send_then_status(attacker(port), [head])[0]


def forged_tokens(sandbox_port):
    """JWTs the sandbox must refuse: alg none, HS256, an unknown kid."""
    import base64
    import hashlib
    import hmac
    import json
    b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=")
    claims = b64(json.dumps({"iss": "kiket.dev", "exp": int(time.time()) + 300, "iat": int(time.time()),
                             "ext_id": "com.example.marketing", "scopes": ["*"]}).encode())
    tokens = {
        "alg none": b64(b'{"alg":"none"}') + b"." + claims + b".",
        "HS256": (lambda i: i + b"." + b64(hmac.new(b"public-key", i, hashlib.sha256).digest()))(
            b64(b'{"alg":"HS256"}') + b"." + claims),
        "unknown kid": b64(b'{"alg":"ES256","kid":"nobody"}') + b"." + claims + b"." + b64(b"\0" * 64),
    }
    out = []
    for name, token in tokens.items():
        s = attacker(sandbox_port)
        s.sendall(b"GET /api/v1/extensions/com.example.marketing/secrets HTTP/1.1\r\nHost: x\r\n"
                  b"X-Kiket-Runtime-Token: " + token + b"\r\nConnection: close\r\n\r\n")
        out.append(f"{name}: {status_of(s)}")
        s.close()
    return "; ".join(out)


def manifest_bomb():
    folder = tempfile.mkdtemp()
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev = "a" if i == 1 else f"b{i - 1}"
        lines.append(f"b{i}: &b{i} [" + ", ".join([f"*{prev}"] * 10) + "]")
    with open(os.path.join(folder, "extension.yaml"), "w") as f:
        f.write("id: com.example.bomb\nversion: 1.0.0\n" + "\n".join(lines) + "\n")
    started = time.perf_counter()
    r = subprocess.run([WORKBENCH, "serve", folder, "--plugin", PLUGIN, "--port", "0", "--sandbox-port", "0"],
                       capture_output=True, text=True, timeout=120)
    shutil.rmtree(folder)
    said = (r.stderr.strip().splitlines() or ["(nothing)"])[-1]
    return f"exit {r.returncode} after {time.perf_counter() - started:.2f} s: {said}"


def main():
    folder = tempfile.mkdtemp()
    shutil.copy(os.path.join(ROOT, "examples", "hello-extension", "extension.yaml"), folder)
    port, sandbox = free_port(), free_port()
    env = dict(os.environ, KIKET_WEBHOOK_SECRET="hostile-secret")
    serve = subprocess.Popen([WORKBENCH, "serve", folder, "--plugin", PLUGIN, "--port", str(port),
                              "--sandbox-port", str(sandbox)], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        print(f"serve (pid {serve.pid}) on 127.0.0.1:{port}, sandbox :{sandbox}; {SECONDS:.0f} s per attack")
        print(f"{'attack':<28} {'what the attacker got':<44} {'well-behaved client meanwhile':<58} RSS MB")
        attacks = [("slowloris, 600 connections", lambda: slowloris(port)),
                   ("2,000 idle connections", lambda: idle(port)),
                   ("200 MiB body", lambda: big_body(port)),
                   ("20,000 headers", lambda: many_headers(port)),
                   ("forged runtime tokens", lambda: forged_tokens(sandbox))]
        for name, attack in attacks:
            before = rss_mb(serve.pid)
            probe = Probe(port)
            probe.start()
            got = attack()
            time.sleep(0.5)
            probe.stop.set()
            probe.join()
            print(f"{name:<28} {got:<44} {probe.figures():<58} {before:.0f} -> {rss_mb(serve.pid):.0f}")
        print(f"{'manifest alias bomb':<28} {manifest_bomb()}")
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

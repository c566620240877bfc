"""A tiny extension server for the runner tests (standard library only).

GET /health answers 200; GET /crash exits with code 3; GET /spawn starts a
long-running child and answers its pid. Prints what it sees of its environment
(names, never secret values). With --ignore-term it ignores SIGTERM.
"""
import http.server
import os
import signal
import subprocess
import sys

if "--ignore-term" in sys.argv:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
else:
    signal.signal(signal.SIGTERM, lambda *_: (print("bye", flush=True), os._exit(0)))

for i in range(int(os.environ.get("TINY_LINES", "0"))):
    print(f"line {i + 1}")
print(f"listening on {os.environ['PORT']}", flush=True)
print("secret present" if os.environ.get("KIKET_SECRET_API_KEY") else "no secret", flush=True)
print("to stderr", file=sys.stderr, flush=True)
children = []


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, text):
        body = text.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/crash":
            self.answer("crashing")
            os._exit(3)
        if self.path == "/spawn":
            children.append(subprocess.Popen(["sleep", "300"]))
            self.answer(str(children[-1].pid))
            return
        self.answer("ok")


http.server.HTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()

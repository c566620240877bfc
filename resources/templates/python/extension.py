"""{{name}}: a Kiket extension in Python 3 with only the standard library.

It checks each delivery's signature (X-Kiket-Signature over "timestamp.body"), routes by event and
version, calls the extension API with the delivery's runtime token, and answers /health.
Environment: PORT, KIKET_WEBHOOK_SECRET, KIKET_BASE_URL (the workbench points it at its sandbox).
"""
import hashlib
import hmac
import http.server
import json
import os
import re
import sys
import time
import urllib.request
from datetime import datetime, timezone

EXTENSION_ID = "{{id}}"
SECRET = os.environ.get("KIKET_WEBHOOK_SECRET", "")
BASE_URL = os.environ.get("KIKET_BASE_URL", "https://kiket.dev").rstrip("/")
ROUTE = re.compile(r"^/v/([^/]+)/webhooks/([^/?]+)$")


def signature_problem(headers, body):
    """Why the delivery's signature does not hold, or None when it does."""
    if not SECRET:
        return "Webhook secret not configured"
    signature = headers.get("X-Kiket-Signature") or ""
    timestamp = headers.get("X-Kiket-Timestamp") or ""
    if not signature or not timestamp.isdigit():
        return "Missing X-Kiket-Signature or X-Kiket-Timestamp header"
    if abs(int(time.time()) - int(timestamp)) > 300:
        return "Request timestamp too old or too far in future"
    expected = hmac.new(SECRET.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature.removeprefix("sha256=")):
        return "Invalid signature"
    return None


class Api:
    """The extension API, authenticated with the delivery's runtime token."""

    def __init__(self, payload, version):
        self.token = payload.get("authentication", {}).get("runtime_token", "")
        self.version = version

    def call(self, method, path, body=None):
        request = urllib.request.Request(BASE_URL + path, method=method,
                                         data=None if body is None else json.dumps(body).encode())
        request.add_header("Content-Type", "application/json")
        request.add_header("X-Kiket-Event-Version", self.version)
        if self.token:
            request.add_header("X-Kiket-Runtime-Token", self.token)
        with urllib.request.urlopen(request, timeout=15) as answer:
            text = answer.read()
            return json.loads(text) if text else {}

    def log_event(self, event, data):
        return self.call("POST", f"/api/v1/extensions/{EXTENSION_ID}/events",
                         {"event": event, "version": self.version, "data": data,
                          "timestamp": datetime.now(timezone.utc).isoformat()})


{{handlers}}
HANDLERS = {
{{handler_table}}}


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, format, *args):
        print(format % args, file=sys.stderr, flush=True)

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/health":
            return self.answer(200, {"status": "ok", "extension_id": EXTENSION_ID})
        self.answer(404, {"error": "Not found"})

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        match = ROUTE.match(self.path)
        if not match:
            return self.answer(404, {"error": "Not found"})
        version, event = match.group(1), match.group(2)
        problem = signature_problem(self.headers, body)
        if problem:
            return self.answer(401, {"error": problem})
        try:
            payload = json.loads(body)
        except ValueError as e:
            return self.answer(400, {"error": f"Invalid JSON payload: {e}"})
        handler = HANDLERS.get((event, version))
        if handler is None:
            return self.answer(404, {"error": f"No handler for {event} {version}"})
        try:
            self.answer(200, handler(payload, Api(payload, version)))
        except Exception as e:  # the platform retries 5xx answers
            print(f"{event} {version} failed: {e!r}", file=sys.stderr, flush=True)
            self.answer(500, {"error": str(e)})


class Server(http.server.ThreadingHTTPServer):
    # socketserver listens with a backlog of 5: of many connections opened at once, the rest
    # are dropped and retried by their clients a second later.
    request_queue_size = 128


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8080"))
    server = Server(("127.0.0.1", port), Handler)
    print(f"{EXTENSION_ID} listening on 127.0.0.1:{port}", flush=True)
    server.serve_forever()

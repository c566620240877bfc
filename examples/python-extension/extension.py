"""A Kiket extension in Python 3 with only the standard library, following the Kiket protocol.

It checks each delivery's HMAC headers, routes by event and version, calls the extension API
(log_event, custom data, rate limit) with the delivery's runtime token, reports telemetry, and
answers /health. A `debug.crash` delivery makes it exit, to rehearse a crash.

Environment: PORT, KIKET_WEBHOOK_SECRET, KIKET_BASE_URL, KIKET_SDK_TELEMETRY_URL.
"""
import hmac
import hashlib
import http.server
import json
import os
import re
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone

EXTENSION_ID = "com.example.python"
EXTENSION_VERSION = "0.1.0"
SECRET = os.environ.get("KIKET_WEBHOOK_SECRET", "")
BASE_URL = os.environ.get("KIKET_BASE_URL", "https://kiket.dev").rstrip("/")
TELEMETRY_URL = os.environ.get("KIKET_SDK_TELEMETRY_URL", BASE_URL + "/api/v1/ext/telemetry")
ROUTE = re.compile(r"^/v/([^/]+)/webhooks/([^/?]+)$")
seen_deliveries = set()


class Rejection(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def verify(headers, body):
    """The HMAC check of PROTOCOL §1.3, with its error texts."""
    if not SECRET:
        raise Rejection(401, "Webhook secret not configured")
    signature = headers.get("X-Kiket-Signature")
    timestamp = headers.get("X-Kiket-Timestamp")
    if not signature:
        raise Rejection(401, "Missing X-Kiket-Signature header")
    if not timestamp:
        raise Rejection(401, "Missing X-Kiket-Timestamp header")
    if not timestamp.isdigit():
        raise Rejection(401, "Invalid X-Kiket-Timestamp header")
    age = abs(int(time.time()) - int(timestamp))
    if age > 300:
        raise Rejection(401, f"Request timestamp too old or too far in future: {age}s")
    expected = hmac.new(SECRET.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature.removeprefix("sha256=")):
        raise Rejection(401, "Invalid signature")


class Api:
    """The extension API on the delivery's base URL, authenticated with its runtime token."""

    def __init__(self, payload, version):
        self.base = BASE_URL
        self.token = payload.get("authentication", {}).get("runtime_token", "")
        self.version = version

    def call(self, method, path, body=None):
        request = urllib.request.Request(self.base + path, method=method,
                                         data=None if body is None else json.dumps(body).encode())
        request.add_header("Content-Type", "application/json")
        request.add_header("Accept", "application/json")
        request.add_header("User-Agent", "kiket-example-python/0.1")
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

    def custom_data(self, project, module, table, record=None):
        path = f"/api/v1/ext/custom_data/{module}/{table}?project_id={project}"
        if record is None:
            return self.call("GET", path + "&limit=5")
        return self.call("POST", path, {"record": record})

    def rate_limit(self):
        return self.call("GET", "/api/v1/ext/rate_limit")["rate_limit"]


def issue_created_v1(payload, api):
    issue = payload.get("issue", {})
    api.log_event("issue.created", {"summary": issue.get("title", "")})
    return {"ok": True}


def issue_updated_v1(payload, api):
    project = str(payload.get("issue", {}).get("project_id", "proj_marketing"))
    existing = api.custom_data(project, "com.example.crm", "contacts")["data"]
    api.custom_data(project, "com.example.crm", "contacts", {"email": "lead@example.com"})
    return {"synced": len(existing) + 1}


def automation_dispatch_v1(payload, api):
    limit = api.rate_limit()
    if limit["remaining"] < 10:
        return {"status": "deferred", "retry_in": limit["reset_in"]}
    return {"status": "dispatched", "remaining": limit["remaining"]}


def crash(payload, api):
    print("debug.crash received: exiting", flush=True)
    os._exit(3)


HANDLERS = {
    ("issue.created", "v1"): issue_created_v1,
    ("issue.updated", "v1"): issue_updated_v1,
    ("automation.dispatch", "v1"): automation_dispatch_v1,
    ("debug.crash", "v1"): crash,
}


def report(event, version, started, error=None):
    """Telemetry after a handler run (PROTOCOL §3); a failure to send is only logged."""
    record = {"event": event, "version": version, "status": "error" if error else "ok",
              "duration_ms": (time.monotonic() - started) * 1000,
              "error_message": str(error) if error else None,
              "error_class": type(error).__name__ if error else None,
              "extension_id": EXTENSION_ID, "extension_version": EXTENSION_VERSION,
              "timestamp": datetime.now(timezone.utc).isoformat(), "metadata": {}}
    try:
        request = urllib.request.Request(TELEMETRY_URL, data=json.dumps(record).encode(),
                                         method="POST", headers={"Content-Type": "application/json"})
        urllib.request.urlopen(request, timeout=2).read()
    except (urllib.error.URLError, OSError) as e:
        print(f"telemetry not sent: {e}", file=sys.stderr, flush=True)


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
        try:
            payload = json.loads(body)
            if not isinstance(payload, dict):
                raise ValueError("expected a JSON object")
        except ValueError as e:
            return self.answer(400, {"error": f"Invalid JSON payload: {e}"})
        try:
            verify(self.headers, body)
        except Rejection as e:
            return self.answer(e.status, {"error": str(e)})
        handler = HANDLERS.get((event, version))
        if handler is None:
            return self.answer(404, {"error": f"No handler registered for event '{event}' "
                                              f"with version '{version}'"})
        delivery = self.headers.get("X-Kiket-Delivery", "")
        if delivery and delivery in seen_deliveries:  # the platform may deliver twice
            return self.answer(200, {"ok": True, "duplicate": True})
        started = time.monotonic()
        try:
            result = handler(payload, Api(payload, version))
        except Exception as e:  # noqa: BLE001 — every failure is answered and reported
            report(event, version, started, e)
            return self.answer(500, {"error": str(e)})
        seen_deliveries.add(delivery)
        report(event, version, started)
        self.answer(200, result)


class Server(http.server.ThreadingHTTPServer):
    # socketserver listens with a backlog of 5: of many connections opened at once, the rest
    # are dropped and retried by their clients a second later.
    request_queue_size = 128


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "9292"))
    server = Server(("127.0.0.1", port), Handler)
    print(f"python extension listening on 127.0.0.1:{port}", flush=True)
    server.serve_forever()

"""A real HTTP receiver for the webhook tests: ``http.server`` in a thread on 127.0.0.1, answering each
POST with the next status of its script (the last one repeated) and keeping what it received. Its
``verify`` checks a request exactly as the README tells receivers to."""

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self, statuses=(200,)):
        self.statuses = list(statuses)
        self.requests = []  # (headers as a dict, raw body)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append((dict(self.headers.items()), body))
                status = receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                answer = b'{"ok": true}' if status < 300 else "接收方出错\x00了".encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/titles"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def payloads(self):
        return [json.loads(body) for _headers, body in self.requests]


def verify(headers, body, secret, *, tolerance=300, now=None):
    """The README's receiver check: the signature over "<timestamp>.<raw body>", compared in constant
    time, and a timestamp within ``tolerance`` seconds of the receiver's clock."""
    timestamp = headers["X-Zaozhuang-Timestamp"]
    scheme, _, given = headers["X-Zaozhuang-Signature"].partition("=")
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    fresh = abs((now or time.time()) - int(timestamp)) <= tolerance
    return scheme == "sha256" and hmac.compare_digest(given, expected) and fresh

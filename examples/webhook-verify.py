#!/usr/bin/env python3
"""Verify vidu-flow webhooks (Standard Webhooks signatures) with Python's standard library only.

    python3 examples/webhook-verify.py                 # checks the Standard Webhooks test vector
    VIDU_WEBHOOK_SECRET=whsec_... python3 examples/webhook-verify.py --serve 8000
                                                       # a receiver: verifies, dedupes on webhook-id, prints
    python3 examples/webhook-verify.py --verify < delivery.json   # {"headers": {...}, "body": "..."}

Verify the raw body as received (before any JSON parsing), deduplicate on webhook-id (a retried
delivery carries the same id), and treat the event as a hint: GET /v1/generations/{id} is the truth.
"""
import base64
import hashlib
import hmac
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer


def verify_webhook(headers, body: bytes, secret: str, tolerance: int = 300, now=None):
    """Returns the parsed event; raises ValueError saying what is wrong."""
    h = {k.lower(): v for k, v in headers.items()}
    msg_id, ts, sigs = h.get("webhook-id"), h.get("webhook-timestamp"), h.get("webhook-signature")
    if not (msg_id and ts and sigs):
        raise ValueError("missing webhook-id, webhook-timestamp or webhook-signature")
    if abs((time.time() if now is None else now) - int(ts)) > tolerance:
        raise ValueError("webhook-timestamp too far from now")
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()
    expected = base64.b64encode(mac).decode()
    if not any(s.startswith("v1,") and hmac.compare_digest(s[3:], expected) for s in sigs.split(" ")):
        raise ValueError("bad webhook signature")
    return json.loads(body)


# The test vector of the Standard Webhooks specification (its reference libraries test against it).
VECTOR = {
    "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    "headers": {
        "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "webhook-timestamp": "1614265330",
        "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    },
    "body": b'{"test": 2432232314}',
}


def check_vector() -> None:
    event = verify_webhook(VECTOR["headers"], VECTOR["body"], VECTOR["secret"], now=1614265330)
    assert event == {"test": 2432232314}, event
    for bad_body in (b'{"test": 2432232315}',):
        try:
            verify_webhook(VECTOR["headers"], bad_body, VECTOR["secret"], now=1614265330)
        except ValueError:
            pass
        else:
            raise AssertionError("a changed body was accepted")
    print("ok: the Standard Webhooks test vector verifies; a changed body does not")


def serve(port: int, secret: str) -> None:
    seen = set()

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            try:
                event = verify_webhook(dict(self.headers), body, secret)
            except ValueError as err:
                self.send_response(401)
                self.end_headers()
                print(f"refused: {err}", flush=True)
                return
            self.send_response(204)
            self.end_headers()
            if self.headers["webhook-id"] in seen:
                return  # a retry of an event already handled
            seen.add(self.headers["webhook-id"])
            status = event["data"].get("status") or {}
            print(f'{event["type"]} {event["data"]["id"]} {status.get("phase", "")}/{status.get("state", "")}', flush=True)

        def log_message(self, *args):
            pass

    print(f"listening on :{port}", flush=True)
    HTTPServer(("0.0.0.0", port), Receiver).serve_forever()


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--serve":
        serve(int(sys.argv[2]), os.environ["VIDU_WEBHOOK_SECRET"])
    elif len(sys.argv) >= 2 and sys.argv[1] == "--verify":
        delivery = json.load(sys.stdin)
        event = verify_webhook(delivery["headers"], delivery["body"].encode(), os.environ["VIDU_WEBHOOK_SECRET"])
        print(event["type"])
    else:
        check_vector()

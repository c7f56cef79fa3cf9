#!/usr/bin/env python3
"""A vidu-flow caller in another language: Python's standard library only, nothing but HTTP.

    python3 examples/http-caller.py --api http://127.0.0.1:8787 --key vf_... --secret whsec_... [--read-only-key vf_...]
    (or VIDU_FLOW_API, VIDU_FLOW_API_KEY, VIDU_WEBHOOK_SECRET, VIDU_FLOW_READ_ONLY_KEY)

It does what a shop backend or a CMS would do, and checks every answer:
  1. rejections, each an RFC 9457 problem: no key or an unknown key (401), a key without the
     `start` scope (403; needs --read-only-key), a body that is not JSON (400), an invalid field
     (422 naming `request.duration`), an unknown kind (404 naming `kind`), a body over the API's
     limit (413; --oversize-bytes, default 10 MiB + 1, the API's default API_BODY_LIMIT_BYTES);
  2. starts an img2video with an Idempotency-Key twice: 201, then 200 with the same body;
  3. follows its Server-Sent Events to the `result` event, dropping the connection after the first
     event and resuming with Last-Event-ID, as a caller behind a flaky proxy would;
  4. receives the signed `generation.succeeded` webhook on an HTTP server of its own, verifies it
     with verify_webhook from examples/webhook-verify.py, and compares it with GET /v1/generations/{id};
  5. starts an off-peak generation (Vidu holds it in its queue, where a cancel is allowed), cancels
     it (202), sees it end `cancelled` (a second cancel: 409), and receives the signed
     `generation.cancelled` webhook.

It prints one JSON summary on stdout and exits 0 when every check passed, 1 when one failed, 2 on
bad usage. The worker must reach the webhook server: it listens on --listen (default 127.0.0.1:0,
a loopback URL the API and the worker accept only when VIDU_FLOW_WEBHOOK_ALLOW_PRIVATE_URLS allows
it, e.g. 127.0.0.1:9000 with --listen 127.0.0.1:9000, as the tests do); --notify-url overrides the
URL given to the API (e.g. a tunnel).
The credits spent: one img2video; the off-peak one is cancelled before Vidu runs it.
"""
import argparse
import base64
import http.client
import importlib.util
import json
import os
import struct
import sys
import threading
import time
import urllib.parse
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))


def load_verify_webhook():
    """verify_webhook from webhook-verify.py beside this file (its name is not importable as is)."""
    spec = importlib.util.spec_from_file_location("webhook_verify", os.path.join(HERE, "webhook-verify.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.verify_webhook


verify_webhook = load_verify_webhook()


class CheckFailed(Exception):
    pass


class Caller:
    """The HTTP calls, and a record of every check (the JSON summary)."""

    def __init__(self, api: str, key: str, timeout: float):
        url = urllib.parse.urlsplit(api)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise SystemExit(f"--api: must be an http(s) URL, got {api!r}")
        self.scheme, self.host, self.port = url.scheme, url.hostname, url.port
        self.base = url.path.rstrip("/")
        self.key = key
        self.timeout = timeout
        self.checks = []

    def check(self, name: str, ok: bool, detail=None, fatal: bool = False) -> bool:
        self.checks.append({"check": name, "ok": bool(ok), **({"detail": detail} if detail is not None else {})})
        if not ok and fatal:
            raise CheckFailed(name)
        return bool(ok)

    def connect(self, timeout=None) -> http.client.HTTPConnection:
        cls = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
        return cls(self.host, self.port, timeout=timeout or self.timeout)

    def call(self, method: str, path: str, body=None, key="default", headers=None, raw: bytes = None):
        """Returns (status, headers, parsed JSON or None). body is JSON-encoded; raw is sent as is."""
        h = dict(headers or {})
        token = self.key if key == "default" else key
        if token:
            h["Authorization"] = f"Bearer {token}"
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        if data is not None:
            h.setdefault("Content-Type", "application/json")
        conn = self.connect()
        try:
            try:
                conn.request(method, self.base + path, body=data, headers=h)
            except (BrokenPipeError, ConnectionResetError):
                # A server may answer (413) and close before reading a large body; its answer is
                # still in the socket's receive buffer.
                pass
            res = conn.getresponse()
            text = res.read()
            parsed = json.loads(text) if text and "json" in (res.getheader("content-type") or "") else None
            return res.status, {k.lower(): v for k, v in res.getheaders()}, parsed
        finally:
            conn.close()

    def events(self, path: str, stop, last_event_id=None):
        """Reads Server-Sent Events until stop(event) is true or the stream ends; returns them."""
        conn = self.connect(timeout=max(self.timeout, 60))
        h = {"Authorization": f"Bearer {self.key}", "Accept": "text/event-stream"}
        if last_event_id:
            h["Last-Event-ID"] = last_event_id
        out = []
        try:
            conn.request("GET", self.base + path, headers=h)
            res = conn.getresponse()
            if res.status != 200 or not (res.getheader("content-type") or "").startswith("text/event-stream"):
                raise CheckFailed(f"GET {path} answered {res.status} {res.getheader('content-type')}: {res.read()[:300]!r}")
            event = {}
            while True:
                line = res.readline()
                if not line:
                    break  # the server ended the stream
                line = line.decode().rstrip("\r\n")
                if line == "":
                    if "data" in event:
                        e = {"id": event.get("id", ""), "event": event.get("event", "message"), "data": json.loads(event["data"])}
                        out.append(e)
                        if stop(e):
                            break
                    event = {}
                elif not line.startswith(":"):
                    field, _, value = line.partition(":")
                    event[field] = value[1:] if value.startswith(" ") else value
        finally:
            conn.close()  # dropping the connection is how a caller stops following
        return out


class Hooks:
    """A small webhook receiver: verifies each delivery and keeps the verified events by webhook-id."""

    def __init__(self, listen: str, secret: str):
        host, _, port = listen.rpartition(":")
        self.secret = secret
        self.events = {}  # webhook-id -> {"type", "data", "deliveries"}
        self.refused = []
        self.cond = threading.Condition()
        hooks = self

        class Receiver(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                try:
                    # The raw bytes, before any JSON parsing: the signature covers them.
                    event = verify_webhook(dict(self.headers), body, hooks.secret)
                except ValueError as err:
                    with hooks.cond:
                        hooks.refused.append(str(err))
                    self.send_response(401)
                    self.end_headers()
                    return
                self.send_response(204)
                self.end_headers()
                with hooks.cond:
                    seen = hooks.events.setdefault(self.headers["webhook-id"], {"type": event["type"], "data": event["data"], "deliveries": 0})
                    seen["deliveries"] += 1  # a retry carries the same webhook-id: deduplicate on it
                    hooks.cond.notify_all()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer((host or "127.0.0.1", int(port or 0)), Receiver)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def address(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hooks/vidu"

    def wait_for(self, event_id: str, timeout: float):
        deadline = time.monotonic() + timeout
        with self.cond:
            while event_id not in self.events and time.monotonic() < deadline:
                self.cond.wait(deadline - time.monotonic())
            return self.events.get(event_id)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def png(width: int, height: int) -> bytes:
    """A gradient PNG, written with zlib (no imaging library): a still image to animate."""
    rows = b"".join(b"\x00" + bytes(v for x in range(width) for v in (x * 255 // width, y * 255 // height, 128)) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def is_problem(headers, body) -> bool:
    return (headers.get("content-type") or "").startswith("application/problem+json") and isinstance(body, dict) and "status" in body


def fields_of(body) -> list:
    return [e.get("field") for e in (body or {}).get("errors", [])]


def wait_until(probe, ok, timeout: float, every: float = 0.25):
    deadline = time.monotonic() + timeout
    value = probe()
    while not ok(value) and time.monotonic() < deadline:
        time.sleep(every)
        value = probe()
    return value


def rejections(c: Caller, request: dict, read_only_key, oversize: int) -> None:
    start = "/v1/generations/img2video"
    status, headers, body = c.call("POST", start, {"request": request}, key=None)
    c.check("no key: 401 problem with WWW-Authenticate: Bearer", status == 401 and is_problem(headers, body) and headers.get("www-authenticate") == "Bearer", status)
    status, headers, body = c.call("POST", start, {"request": request}, key="vf_not_a_key")
    c.check("unknown key: 401 problem", status == 401 and is_problem(headers, body), status)
    if read_only_key:
        status, headers, body = c.call("POST", start, {"request": request}, key=read_only_key)
        c.check("read-only key starting: 403 problem naming the scope", status == 403 and is_problem(headers, body) and '"start"' in body.get("detail", ""), status)
    status, headers, body = c.call("POST", start, raw=b'{"request":')
    c.check("body not JSON: 400 problem naming (body)", status == 400 and is_problem(headers, body) and fields_of(body) == ["(body)"], [status, fields_of(body)])
    status, headers, body = c.call("POST", start, {"request": {**request, "duration": 99}})
    c.check("invalid field: 422 problem naming request.duration", status == 422 and is_problem(headers, body) and "request.duration" in fields_of(body), [status, fields_of(body)])
    status, headers, body = c.call("POST", "/v1/generations/text2poem", {"request": request})
    c.check("unknown kind: 404 problem naming kind", status == 404 and is_problem(headers, body) and fields_of(body) == ["kind"], [status, fields_of(body)])
    # A well-formed JSON body one byte over the limit: the size alone is refused, before any parsing.
    filler = oversize - len(json.dumps({"request": {**request, "prompt": ""}}).encode())
    big = json.dumps({"request": {**request, "prompt": "x" * max(filler, 1)}}).encode()
    status, headers, body = c.call("POST", start, raw=big)
    c.check(f"oversized body ({len(big)} bytes): 413 problem", status == 413 and is_problem(headers, body), status)


def run(args) -> dict:
    c = Caller(args.api, args.key, args.timeout)
    hooks = Hooks(args.listen, args.secret)
    notify_url = args.notify_url or hooks.address
    image = args.image or "data:image/png;base64," + base64.b64encode(png(640, 360)).decode()
    request = {"model": "viduq2", "images": [image], "prompt": "The camera pushes in slowly", "duration": 5}
    summary = {"api": args.api, "notifyUrl": notify_url}
    t0 = time.monotonic()
    ms = lambda: round((time.monotonic() - t0) * 1000)  # noqa: E731
    try:
        status, headers, doc = c.call("GET", "/openapi.json", key=None)
        c.check("GET /openapi.json: an OpenAPI 3.1 document", status == 200 and (doc or {}).get("openapi") == "3.1.0", status)

        rejections(c, request, args.read_only_key, args.oversize_bytes)

        # 2. Start twice with one Idempotency-Key.
        body = {"request": request, "options": {"waitMode": "callback"}, "notify": {"url": notify_url}}
        idem = {"Idempotency-Key": args.idempotency_key}
        status, headers, first = c.call("POST", "/v1/generations/img2video", body, headers=idem)
        c.check("start: 201 with id and links", status == 201 and bool((first or {}).get("id")) and bool((first or {}).get("links")), [status, first], fatal=True)
        gen_id, links = first["id"], first["links"]
        summary["generation"] = gen_id
        c.check("start: Location is the generation's link", headers.get("location") == links["self"], headers.get("location"))
        status, _, again = c.call("POST", "/v1/generations/img2video", body, headers=idem)
        c.check("start again with the same Idempotency-Key: 200, the same body", status == 200 and again == first, [status, again])

        # 3. Follow the events; drop the connection after the first one and resume with Last-Event-ID.
        head = c.events(links["events"], lambda e: True)
        c.check("events: the stream opens with a status event", len(head) == 1 and head[0]["event"] == "status", [e["event"] for e in head], fatal=True)
        rest = c.events(links["events"], lambda e: e["event"] == "result", last_event_id=head[0]["id"])
        events = head + rest
        summary["events"] = len(events)
        summary["states"] = [f'{e["data"]["status"]["phase"]}/{e["data"]["status"]["state"]}/{e["data"]["status"]["progress"]}' for e in events if e["event"] == "status"]
        c.check("events: resuming with Last-Event-ID does not repeat the event already read", not rest or rest[0]["id"] != head[0]["id"], [e["id"] for e in events[:3]])
        c.check("events: every event id is new", len({e["id"] for e in events}) == len(events))
        result = events[-1]
        c.check("events: the stream ends with the result, succeeded", result["event"] == "result" and result["data"].get("id") == gen_id and result["data"].get("execution") == "succeeded", [result["event"], result["data"].get("execution")], fatal=True)
        summary["resultAfterMs"] = ms()

        # 4. The signed webhook, verified by the receiver, and GET agreeing with it.
        hook = hooks.wait_for(f"evt_{gen_id}_succeeded", args.timeout)
        c.check("webhook: generation.succeeded arrived, signature verified", hook is not None and hook["type"] == "generation.succeeded", sorted(hooks.events) or hooks.refused)
        summary["webhookAfterMs"] = ms()
        status, _, got = c.call("GET", links["self"])
        c.check("GET the generation: 200 succeeded, archived files listed", status == 200 and got.get("execution") == "succeeded" and len(got.get("result", {}).get("archive", {}).get("files", [])) > 0, status)
        if hook is not None:
            c.check("webhook: its data is the generation as GET shows it", hook["data"].get("id") == gen_id and hook["data"].get("result") == got.get("result"))

        # 5. Cancel another one: off-peak, so Vidu holds it in its queue, where it may be cancelled.
        body = {"request": {**request, "prompt": "to be cancelled", "off_peak": True}, "notify": {"url": notify_url, "events": ["generation.cancelled"]}}
        status, _, started = c.call("POST", "/v1/generations/img2video", body)
        c.check("start the off-peak one (no Idempotency-Key): 201", status == 201, [status, started], fatal=True)
        cancel_id = started["id"]
        summary["cancelled"] = cancel_id
        queued = wait_until(lambda: c.call("GET", started["links"]["self"])[2] or {}, lambda g: (g.get("status") or {}).get("state") == "queueing", args.timeout)
        c.check("the off-peak task waits in Vidu's queue", (queued.get("status") or {}).get("state") == "queueing", queued.get("status"))
        status, _, accepted = c.call("POST", started["links"]["cancel"])
        c.check("cancel: 202", status == 202 and (accepted or {}).get("cancelRequested") is True, [status, accepted])
        done = wait_until(lambda: c.call("GET", started["links"]["self"])[2] or {}, lambda g: g.get("execution") != "running", args.timeout)
        c.check(
            "cancelled: execution cancelled, failure Cancelled, Vidu cancelled the task",
            done.get("execution") == "cancelled" and (done.get("failure") or {}).get("type") == "Cancelled" and ((done.get("status") or {}).get("cancellation") or {}).get("outcome") == "cancelled",
            [done.get("execution"), (done.get("failure") or {}).get("type"), (done.get("status") or {}).get("cancellation")],
        )
        status, headers, again = c.call("POST", started["links"]["cancel"])
        c.check("cancel again: 409 problem (nothing left to cancel)", status == 409 and is_problem(headers, again), status)
        hook = hooks.wait_for(f"evt_{cancel_id}_cancelled", args.timeout)
        c.check("webhook: generation.cancelled arrived, signature verified", hook is not None and hook["type"] == "generation.cancelled" and hook["data"].get("execution") == "cancelled", sorted(hooks.events) or hooks.refused)

        c.check("webhooks: none refused (every signature verified), none delivered twice", not hooks.refused and all(e["deliveries"] == 1 for e in hooks.events.values()), {"refused": hooks.refused, "deliveries": {k: v["deliveries"] for k, v in hooks.events.items()}})
    except CheckFailed:
        pass  # recorded; the steps after it depend on it
    except Exception as err:  # noqa: BLE001 — report, never a traceback instead of the summary
        c.check("no unexpected error", False, f"{type(err).__name__}: {err}")
    finally:
        hooks.close()
    summary["tookMs"] = ms()
    summary["failed"] = [x["check"] for x in c.checks if not x["ok"]]
    summary["ok"] = not summary["failed"]
    summary["checks"] = c.checks
    return summary


def main(argv) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--api", default=os.environ.get("VIDU_FLOW_API", "http://127.0.0.1:8787"))
    p.add_argument("--key", default=os.environ.get("VIDU_FLOW_API_KEY"), help="an API key with the scopes start, read, cancel")
    p.add_argument("--secret", default=os.environ.get("VIDU_WEBHOOK_SECRET"), help="that key's webhookSecret (whsec_...)")
    p.add_argument("--read-only-key", default=os.environ.get("VIDU_FLOW_READ_ONLY_KEY"), help="a key with only the read scope (for the 403 check)")
    p.add_argument("--listen", default="127.0.0.1:0", help="HOST:PORT of the webhook receiver")
    p.add_argument("--notify-url", help="the URL the worker posts webhooks to (default: the receiver's)")
    p.add_argument("--image", help="an http(s) URL or data: URI of a still image (default: a generated PNG)")
    p.add_argument("--idempotency-key", default=f"http-caller-{int(time.time())}-{os.getpid()}")
    p.add_argument("--oversize-bytes", type=int, default=10 * 1024 * 1024 + 1, help="size of the body that must be refused (413)")
    p.add_argument("--timeout", type=float, default=60, help="seconds to wait for each step")
    args = p.parse_args(argv)
    if not args.key or not args.secret:
        p.print_usage(sys.stderr)
        print("http-caller.py: --key (VIDU_FLOW_API_KEY) and --secret (VIDU_WEBHOOK_SECRET) are required", file=sys.stderr)
        return 2
    summary = run(args)
    print(json.dumps(summary, indent=2))
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

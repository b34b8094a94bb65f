"""fakeagg.py: a fake SMS aggregator for the outbox tests.

A threaded HTTP server on 127.0.0.1 that records every request it gets
(arrival time, method, path, query, headers, body, the parsed form or JSON)
and answers each by a script: a FIFO of per-request behaviours, then a
default behaviour. Python 3 standard library only.

Behaviours (plain dicts, made by the functions below):
    ok()                      the success answer of the flavour:
                                kannel  202 "0: Accepted for delivery"
                                at      201 {"SMSMessageData":{"Recipients":[...101...]}}
                                twilio  201 {"sid":"SM...", ...}
                                json    200 {"id":"agg-N"} (json_id=False: {})
    status(n, body, headers)  that status, body and headers (a header's value
                              may be a function, called as the answer goes)
    hang(then=None)           hold the request unanswered until release() or
                              stop(); then answer `then`, or drop the connection
    slow(seconds, then=ok())  wait, then answer `then`
    close()                   drop the connection without an answer

    with FakeAgg("json") as agg:
        agg.script(status(500), ok())
        ...
        agg.wait_count(2, 10)
        agg.requests[1].msg()["id"]
"""

import collections
import http
import http.server
import json
import random
import socket
import threading
import time
import urllib.parse

FLAVOURS = ("kannel", "at", "twilio", "json")


def ok():
    return {"kind": "ok"}


def status(code, body=b"", headers=None):
    if isinstance(body, str):
        body = body.encode("utf-8")
    return {"kind": "status", "code": code, "body": body,
            "headers": dict(headers or {})}


def hang(then=None):
    return {"kind": "hang", "then": then}


def slow(seconds, then=None):
    return {"kind": "slow", "seconds": seconds, "then": then or ok()}


def close():
    return {"kind": "close"}


class Request:
    """One request as it arrived."""

    def __init__(self, index, t, method, path, query, headers, body, peer=None):
        self.index = index
        self.peer = peer            # (address, port) of the client: one per connection
        self.t = t                  # time.monotonic() at arrival
        self.method = method
        self.path = path            # without the query string
        self.query = query          # [(name, value)], UTF-8 decoded
        self.headers = headers      # {lower-case name: value}
        self.body = body            # bytes
        self.form = []              # [(name, value)] of a form body
        self.json = None            # the parsed JSON body, or None
        self.behaviour = None       # what it was answered with
        self.answered = None        # time.monotonic() when the answer went out
        self.status = None          # the status sent, None if none
        self.ext_id = None          # the message id the ok answer gave
        ctype = headers.get("content-type", "")
        if body and "application/x-www-form-urlencoded" in ctype:
            self.form = urllib.parse.parse_qsl(body.decode("utf-8", "replace"),
                                               keep_blank_values=True)
        if body and "json" in ctype:
            try:
                self.json = json.loads(body.decode("utf-8"))
            except ValueError:
                self.json = None

    def q(self, name):
        """The first query parameter of that name, or None."""
        for k, v in self.query:
            if k == name:
                return v
        return None

    def f(self, name):
        """The first form field of that name, or None."""
        for k, v in self.form:
            if k == name:
                return v
        return None

    def msg(self, flavour):
        """{"to", "from", "text", "id"} as the driver of that flavour sends them.

        "id" is our outbox id where the request carries it (json "id";
        kannel and twilio in the delivery-report URL), as an int, else None.
        """
        out = {"to": None, "from": None, "text": None, "id": None}
        if flavour == "kannel":
            out.update(to=self.q("to"), text=self.q("text"),
                       **{"from": self.q("from")})
            out["id"] = _id_from_url(self.q("dlr-url"))
        elif flavour == "at":
            out.update(to=self.f("to"), text=self.f("message"),
                       **{"from": self.f("from")})
        elif flavour == "twilio":
            out.update(to=self.f("To"), text=self.f("Body"),
                       **{"from": self.f("From")})
            out["id"] = _id_from_url(self.f("StatusCallback"))
        elif flavour == "json":
            obj = self.json if isinstance(self.json, dict) else {}
            out.update(to=obj.get("to"), text=obj.get("text"),
                       **{"from": obj.get("from")})
            i = obj.get("id")
            if isinstance(i, str) and i.isdigit():
                i = int(i)
            out["id"] = i if isinstance(i, int) else None
        return out

    def __repr__(self):
        return "<%d %.3f %s %s %r %r>" % (self.index, self.t, self.method,
                                          self.path, self.query, self.body[:200])


def _id_from_url(url):
    """The id=N parameter of a URL (our outbox id in a report URL), or None."""
    if not url:
        return None
    q = urllib.parse.urlsplit(url).query
    for k, v in urllib.parse.parse_qsl(q, keep_blank_values=True):
        if k == "id" and v.isdigit():
            return int(v)
    return None


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fakeagg/1"

    def log_message(self, fmt, *args):
        pass

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.agg._conn_open(self.connection)

    def finish(self):
        try:
            super().finish()
        finally:
            self.server.agg._conn_closed(self.connection)

    def _body(self):
        te = self.headers.get("Transfer-Encoding", "")
        if te.lower() == "chunked":
            data = b""
            while True:
                line = self.rfile.readline()
                n = int(line.split(b";")[0].strip() or b"0", 16)
                if n == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return data
                data += self.rfile.read(n)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def _any(self):
        t = time.monotonic()
        body = self._body()
        parts = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True,
                                       encoding="utf-8", errors="replace")
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.server.agg._handle(self, t, self.command, parts.path, query,
                                headers, body)

    do_GET = _any
    do_POST = _any
    do_PUT = _any
    do_DELETE = _any


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


class FakeAgg:
    """The fake aggregator. flavour: "kannel", "at", "twilio" or "json"."""

    def __init__(self, flavour="json", default=None, json_id=True):
        assert flavour in FLAVOURS, flavour
        self.flavour = flavour
        self.default = default or ok()
        self.json_id = json_id
        self.requests = []
        self._script = collections.deque()
        self._lock = threading.Condition()
        self._release = threading.Event()
        self._stopped = False
        self._conns = set()
        self._nextid = 1
        self.httpd = _Server(("127.0.0.1", 0), _Handler)
        self.httpd.agg = self
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    # Setup.

    def url(self, path="/send"):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def script(self, *behaviours):
        """Answer the next requests with these, in order, then the default."""
        with self._lock:
            self._script.extend(behaviours)

    def set_default(self, behaviour):
        with self._lock:
            self.default = behaviour

    def release(self):
        """Let every hung request go now (and any that hangs later until rearm())."""
        self._release.set()

    def rearm(self):
        self._release.clear()

    # Inspection.

    def count(self):
        with self._lock:
            return len(self.requests)

    def snapshot(self):
        with self._lock:
            return list(self.requests)

    def wait_count(self, n, timeout):
        """Wait until n requests arrived; True if they did."""
        end = time.monotonic() + timeout
        with self._lock:
            while len(self.requests) < n:
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self._lock.wait(min(left, 0.2))
            return True

    def wait_answered(self, n, timeout):
        """Wait until n requests have had their answer (or were dropped)."""
        end = time.monotonic() + timeout
        with self._lock:
            while sum(1 for r in self.requests if r.answered is not None) < n:
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self._lock.wait(min(left, 0.2))
            return True

    def quiet(self, seconds):
        """Wait seconds; True if no request arrived meanwhile."""
        before = self.count()
        time.sleep(seconds)
        return self.count() == before

    def msgs(self):
        return [r.msg(self.flavour) for r in self.snapshot()]

    def ids(self):
        """Our outbox ids, in arrival order, of every request that carried one."""
        return [m["id"] for m in self.msgs() if m["id"] is not None]

    def hung(self):
        """Requests waiting in a hang right now."""
        with self._lock:
            return [r for r in self.requests
                    if r.behaviour and r.behaviour["kind"] == "hang"
                    and r.answered is None]

    # Life.

    def stop(self):
        self._stopped = True
        self._release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        with self._lock:
            conns = list(self._conns)
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    # The server side.

    def _conn_open(self, c):
        with self._lock:
            self._conns.add(c)

    def _conn_closed(self, c):
        with self._lock:
            self._conns.discard(c)

    def _handle(self, h, t, method, path, query, headers, body):
        with self._lock:
            r = Request(len(self.requests), t, method, path, query, headers, body,
                        h.client_address)
            b = self._script.popleft() if self._script else self.default
            r.behaviour = b
            self.requests.append(r)
            self._lock.notify_all()
        self._answer(h, r, b)

    def _done(self, r, code=None):
        with self._lock:
            r.answered = time.monotonic()
            r.status = code
            self._lock.notify_all()

    def _answer(self, h, r, b):
        kind = b["kind"]
        if kind == "hang":
            while not self._release.wait(0.1):
                pass
            if b["then"] is None or self._stopped:
                self._drop(h, r)
            else:
                self._answer(h, r, b["then"])
            return
        if kind == "slow":
            end = time.monotonic() + b["seconds"]
            while not self._stopped and time.monotonic() < end:
                time.sleep(min(0.05, max(0, end - time.monotonic())))
            if self._stopped:
                self._drop(h, r)
            else:
                self._answer(h, r, b["then"])
            return
        if kind == "close":
            self._drop(h, r)
            return
        if kind == "status":
            self._send(h, r, b["code"], b["body"], b["headers"])
            return
        code, body, hdrs = self._ok(r)
        self._send(h, r, code, body, hdrs)

    def _drop(self, h, r):
        """Close the connection without a byte of answer."""
        h.close_connection = True
        try:
            h.wfile.flush()
            h.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._done(r, None)

    def _send(self, h, r, code, body, hdrs):
        """The whole answer in one write: a status line and headers written
        apart from the body would meet Nagle's algorithm and the client's
        delayed ACK, and stall each answer by 40 ms."""
        try:
            reason = http.HTTPStatus(code).phrase
        except ValueError:
            reason = "Status"
        lines = ["HTTP/1.1 %d %s" % (code, reason), "Server: fakeagg/1",
                 "Date: %s" % h.date_time_string()]
        lower = {k.lower() for k in hdrs}
        for k, v in hdrs.items():
            lines.append("%s: %s" % (k, v() if callable(v) else v))
        if "content-type" not in lower:
            lines.append("Content-Type: text/plain")
        lines.append("Content-Length: %d" % len(body))
        if h.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        try:
            h.wfile.write(head + body)
            h.wfile.flush()
        except OSError:
            pass
        self._done(r, code)

    def _ok(self, r):
        """The success answer of the flavour; remembers the id it gives."""
        with self._lock:
            n = self._nextid
            self._nextid += 1
        if self.flavour == "kannel":
            return 202, b"0: Accepted for delivery", {}
        if self.flavour == "at":
            r.ext_id = "ATXid_%d" % n
            obj = {"SMSMessageData": {
                "Message": "Sent to 1/1 Total Cost: VND 200",
                "Recipients": [{"statusCode": 101, "number": r.f("to") or "",
                                "status": "Success", "cost": "VND 200",
                                "messageId": r.ext_id}]}}
            return 201, json.dumps(obj).encode(), {"Content-Type": "application/json"}
        if self.flavour == "twilio":
            r.ext_id = "SM%032x" % random.randrange(16 ** 32)
            obj = {"sid": r.ext_id, "status": "queued", "to": r.f("To"),
                   "from": r.f("From"), "body": r.f("Body"),
                   "account_sid": "AC" + "0" * 32, "error_code": None}
            return 201, json.dumps(obj).encode(), {"Content-Type": "application/json"}
        if self.json_id:
            r.ext_id = "agg-%d" % n
            return 200, json.dumps({"id": r.ext_id}).encode(), {
                "Content-Type": "application/json"}
        return 200, b"{}", {"Content-Type": "application/json"}

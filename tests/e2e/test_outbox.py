"""The outbox against a fake aggregator: drivers, retries, reports, the loop.

Each test starts a fake aggregator (tests/fakeagg.py) and a daemon whose one
outbound route sends to it. Check-ins come in over /sms/q, a json route with
reply = "outbox", or /sms/at (africastalking); their replies are rows of the
outbox table that the route drains.

Delivery reports for an id no row has are answered 200 ("ignored: no such
message", src/chan/chan-http.c): an aggregator retrying a report could never make
it match. A report to /dlr/NAME of no outbound route is a 404.
"""

import base64
import json
import time
import urllib.parse

import fakeagg
import harness
from harness import (OUTBOX_DELIVERED, OUTBOX_EXPIRED, OUTBOX_FAILED,
                     OUTBOX_QUEUED, OUTBOX_SENDING, OUTBOX_SENT, e164)

STATE = harness.OUTBOX_STATE_NAMES


class Base(harness.OutboxCase):

    def venues(self):
        self.pho = self.d.add_venue("Pho Thin", "Hang Bac")
        self.cafe = self.d.add_venue("Cafe Giang", "Hang Gai")

    def row_of(self, number):
        rows = self.d.outbox("number = ?", (e164(number),))
        self.assertEqual(len(rows), 1, rows)
        return rows[0]

    def wait_state(self, rid, states, timeout=harness.stretch(10.0)):
        """Wait until row rid is in one of states; the row."""
        if isinstance(states, int):
            states = (states,)
        where = "id = ? AND state IN (%s)" % ",".join(str(s) for s in states)
        return self.d.wait_outbox(where, (rid,), 1, timeout)[0]

    def checkin_row(self, number, code=None):
        """A check-in through /sms/q: the one row it queued, once sent."""
        n = self.queue(number, code or self.pho)
        self.assertEqual(n, 1, "one check-in, one reply (no questions)")
        row = self.row_of(number)
        self.assertEqual(row["route"], self.route)
        self.assertEqual(row["number"], e164(number))
        self.assertIn("Pho Thin" if code in (None, self.pho) else "Cafe Giang",
                      row["text"])
        self.assertIsNotNone(row["inbound_id"])
        self.assertEqual(self.d.scalar("SELECT number FROM inbound WHERE id = ?",
                                       (row["inbound_id"],)), e164(number))
        return self.wait_state(row["id"], OUTBOX_SENT)

    def requests_for(self, rid):
        return [r for r in self.agg.snapshot() if r.msg(self.flavour)["id"] == rid]

    def add_rows(self, n, **kw):
        rows = []
        for i in range(n):
            r = {"route": self.route, "number": "+8491300%04d" % i,
                 "text": "Tin nhan thu %d" % i}
            r.update(kw)
            rows.append(r)
        return self.d.outbox_add(rows)

    def post(self, path, body, ctype, headers=None):
        h = {"Content-Type": ctype}
        h.update(headers or {})
        return self.d.http("POST", path, body, h)

    def unchanged_after(self, fn):
        """Run fn(); the outbox must be exactly as before. fn's result."""
        before = self.d.outbox()
        out = fn()
        time.sleep(0.2)
        self.assertEqual(self.d.outbox(), before)
        return out


class DriverTests:
    """What every HTTP driver must do; mixed into a class per driver."""

    def check_request(self, req, row):
        raise NotImplementedError

    def dlr(self, row, kind):
        """Send a report of kind "delivered", "failed" or "pending"; (status, body)."""
        raise NotImplementedError

    dlr_words = {}

    def test_checkin_sent(self):
        n = "0912100001"
        row = self.checkin_row(n)
        self.assertTrue(self.agg.wait_answered(1, harness.stretch(10)))
        self.assertTrue(self.agg.quiet(0.5), "one row, one request")
        reqs = self.agg.snapshot()
        self.assertEqual(len(reqs), 1, reqs)
        m = reqs[0].msg(self.flavour)
        self.assertEqual(m["to"], e164(n))
        self.assertEqual(m["text"], row["text"])
        self.check_request(reqs[0], row)
        self.assertEqual(row["attempts"], 1)
        self.assertIsNotNone(row["sent_at"])
        self.assertLessEqual(abs(row["sent_at"] - time.time()), harness.stretch(10))
        self.assertEqual(row["ext_id"], reqs[0].ext_id)

    def test_500_then_ok(self):
        self.agg.script(fakeagg.status(500, "try later"))
        row = self.checkin_row("0912200001")
        self.assertEqual(row["attempts"], 2)
        self.assertTrue(self.agg.wait_answered(2, harness.stretch(10)))
        reqs = self.agg.snapshot()
        self.assertEqual([r.status for r in reqs], [500, self.ok_status])
        self.assertEqual(reqs[0].body, reqs[1].body)
        self.assertEqual(reqs[0].query, reqs[1].query)
        self.assertEqual(row["ext_id"], reqs[1].ext_id)

    def test_429_retry_after_1(self):
        self.agg.script(fakeagg.status(429, "slow down", {"Retry-After": "1"}))
        row = self.checkin_row("0912200002")
        self.assertEqual(row["attempts"], 2)
        self.assertTrue(self.agg.wait_count(2, harness.stretch(10)))
        reqs = self.agg.snapshot()
        gap = reqs[1].t - reqs[0].t
        print("%s: 429 Retry-After: 1 -> next request after %.3f s" % (self.driver, gap))
        self.assertGreaterEqual(gap, 0.9)
        # About a second: next_at is stored in whole seconds, so less than
        # 2, and 0.3 s (stretched) for the pass to run.
        self.assertLess(gap, 2.0 + harness.stretch(0.3))

    def test_400_fails_at_once(self):
        self.agg.script(self.bad_request)
        rid = self.add_rows(1)[0]
        row = self.wait_state(rid, OUTBOX_FAILED)
        self.assertEqual(row["attempts"], 1)
        self.assertTrue(row["error"], row)
        self.assertIn(self.bad_request_word, row["error"])
        self.assertTrue(self.agg.quiet(1.5), "a 400 is not retried")
        self.assertEqual(self.agg.count(), 1)

    def test_dlr(self):
        rows = [self.checkin_row("09121000%02d" % i) for i in range(3)]
        delivered, failed, pending = rows
        st, _, body = self.dlr(delivered, "delivered")
        self.assertEqual(st, 200, body)
        st, _, body = self.dlr(failed, "failed")
        self.assertEqual(st, 200, body)
        st, _, body = self.dlr(pending, "pending")
        self.assertEqual(st, 200, body)
        got = {r["id"]: r for r in self.d.outbox()}
        for row, state, kind in ((delivered, OUTBOX_DELIVERED, "delivered"),
                                 (failed, OUTBOX_FAILED, "failed"),
                                 (pending, OUTBOX_SENT, "pending")):
            r = got[row["id"]]
            self.assertEqual(STATE[r["state"]], STATE[state], (kind, r))
            self.assertTrue((r["dlr_state"] or "").startswith(self.dlr_words[kind]),
                            (kind, r["dlr_state"]))
            self.assertIsNotNone(r["dlr_at"], kind)
        # The final report after the intermediate one.
        st, _, body = self.dlr(pending, "delivered")
        self.assertEqual(st, 200, body)
        self.assertEqual(self.d.outbox_row(pending["id"])["state"], OUTBOX_DELIVERED)

    def test_dlr_unknown(self):
        row = self.checkin_row("0912100010")
        ghost = dict(row, id=row["id"] + 1000, ext_id=(row["ext_id"] or "") + "9999")
        st, _, body = self.unchanged_after(lambda: self.dlr(ghost, "delivered"))
        self.assertIn(st, (200, 404), body)
        self.assertEqual(st, 200, "documented: an unmatched report is a 200")
        st, _, body = self.unchanged_after(lambda: self.d.http(
            "POST", "/dlr/nosuchroute", "id=1&status=1",
            {"Content-Type": "application/x-www-form-urlencoded"}))
        self.assertEqual(st, 404, body)


class JsonDriverTest(DriverTests, Base):
    driver = "json"
    route = "agg"
    ok_status = 200
    bad_request = fakeagg.status(400, json.dumps({"error": "bad number"}),
                                 {"Content-Type": "application/json"})
    bad_request_word = "bad number"
    dlr_words = {"delivered": "delivered", "failed": "failed", "pending": "accepted"}

    def check_request(self, req, row):
        self.assertEqual(req.method, "POST")
        self.assertEqual(req.path, "/send")
        self.assertEqual(req.headers.get("authorization"), "Bearer t")
        self.assertIn("application/json", req.headers.get("content-type", ""))
        self.assertEqual(req.json.get("from"), harness.SHORT)
        self.assertEqual(int(req.json.get("id")), row["id"])
        self.assertRegex(row["ext_id"] or "", r"^agg-\d+$")

    def dlr(self, row, kind):
        body = json.dumps({"id": row["id"], "status": self.dlr_words[kind]})
        return self.post(self.d.dlr_path("agg"), body, "application/json")

    def test_dlr_by_ext_id(self):
        row = self.checkin_row("0912100020")
        body = json.dumps({"ext_id": row["ext_id"], "status": "delivered"})
        st, _, b = self.post(self.d.dlr_path("agg"), body, "application/json")
        self.assertEqual(st, 200, b)
        self.assertEqual(self.d.outbox_row(row["id"])["state"], OUTBOX_DELIVERED)

    def test_dlr_bad(self):
        row = self.checkin_row("0912100021")
        for body in ("not json", "[1]", json.dumps({"status": "delivered"})):
            st, _, b = self.unchanged_after(
                lambda: self.post(self.d.dlr_path("agg"), body, "application/json"))
            self.assertEqual(st, 400, (body, b))
        self.assertEqual(self.d.outbox_row(row["id"])["state"], OUTBOX_SENT)


class KannelDriverTest(DriverTests, Base):
    driver = "kannel"
    route = "kannel"
    ok_status = 202
    # smsbox's answer to a sendsms without a receiver.
    bad_request = fakeagg.status(400, "Missing receiver number")
    bad_request_word = "Missing receiver"
    dlr_words = {"delivered": "1", "failed": "2", "pending": "8"}
    codes = {"delivered": 1, "failed": 2, "pending": 8}

    def check_request(self, req, row):
        self.assertEqual(req.method, "GET")
        self.assertEqual(req.path, "/cgi-bin/sendsms")
        self.assertEqual(req.q("username"), "gw")
        self.assertEqual(req.q("password"), "pw")
        self.assertEqual(req.q("from"), harness.SHORT)
        self.assertEqual(req.q("charset"), "UTF-8")
        self.assertEqual(req.q("coding"), "0", "the built-in replies are GSM-7")
        self.assertEqual(req.q("dlr-mask"), "31")
        url = req.q("dlr-url") or ""
        self.assertTrue(url.startswith(self.d.dlr_url("kannel") + "?"), url)
        q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
        self.assertEqual(q.get("id"), str(row["id"]))
        self.assertEqual(q.get("status"), "%d")
        self.assertIsNone(row["ext_id"], "sendsms gives no message id")

    def dlr(self, row, kind, code=None):
        q = urllib.parse.urlencode({"id": row["id"], "status": code or self.codes[kind],
                                    "smsc": "fake", "reply": "ACK/"})
        return self.d.http("GET", self.d.dlr_path("kannel") + "&" + q)

    def test_smsc_rejected_fails(self):
        row = self.checkin_row("0912100030")
        st, _, b = self.dlr(row, None, 16)
        self.assertEqual(st, 200, b)
        r = self.d.outbox_row(row["id"])
        self.assertEqual(STATE[r["state"]], "failed")
        self.assertTrue((r["dlr_state"] or "").startswith("16"), r["dlr_state"])

    def test_diacritics_as_ucs2(self):
        row = self.d.outbox_add([{"route": "kannel", "number": "+84912100031",
                                  "text": "Đã check-in tại Phở Thìn"}])[0]
        self.wait_state(row, OUTBOX_SENT)
        req = self.requests_for(row)[0]
        self.assertEqual(req.q("coding"), "2")
        self.assertEqual(req.q("charset"), "UTF-8")
        self.assertEqual(req.q("text"), "Đã check-in tại Phở Thìn")


class AfricasTalkingDriverTest(DriverTests, Base):
    driver = "africastalking"
    route = "at"
    ok_status = 201
    bad_request = fakeagg.status(401, "The supplied authentication is invalid")
    bad_request_word = "authentication"
    dlr_words = {"delivered": "Success", "failed": "Failed", "pending": "Submitted"}

    def check_request(self, req, row):
        self.assertEqual(req.method, "POST")
        self.assertEqual(req.path, "/version1/messaging")
        self.assertEqual(req.headers.get("apikey"), "atkey")
        self.assertIn("application/x-www-form-urlencoded",
                      req.headers.get("content-type", ""))
        self.assertEqual(req.f("username"), "sandbox")
        self.assertEqual(req.f("from"), harness.SHORT)
        self.assertRegex(row["ext_id"] or "", r"^ATXid_\d+$")

    def dlr(self, row, kind):
        params = [("id", row["ext_id"] or ""), ("status", self.dlr_words[kind]),
                  ("phoneNumber", row["number"]), ("networkCode", "45204"),
                  ("retryCount", "0")]
        if kind == "failed":
            params.append(("failureReason", "UserInBlackList"))
        return self.post(self.d.dlr_path("at"), urllib.parse.urlencode(params),
                         "application/x-www-form-urlencoded")

    def at_sms(self, frm, text, id):
        body = urllib.parse.urlencode([
            ("from", frm), ("to", harness.SHORT), ("text", text),
            ("date", time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())),
            ("id", id), ("linkId", "link-" + id)])
        return self.post("/sms/at", body, "application/x-www-form-urlencoded")

    def test_inbound_queues_replies(self):
        n = "+84912100040"
        st, h, body = self.at_sms(n, self.cafe, "at-in-1")
        self.assertEqual(st, 200, body)
        self.assertEqual(body, b"")
        rows = self.d.wait_outbox("number = ? AND state = %d" % OUTBOX_SENT, (n,), 1)
        self.assertEqual(len(self.d.outbox("number = ?", (n,))), 1)
        self.assertIn("Cafe Giang", rows[0]["text"])
        self.assertEqual(self.d.count("checkins", "number = ?", (n,)), 1)
        self.assertEqual(self.d.scalar("SELECT channel FROM inbound WHERE id = ?",
                                       (rows[0]["inbound_id"],)), "at")
        self.assertTrue(self.agg.wait_count(1, harness.stretch(10)))
        m = self.agg.requests[0].msg("at")
        self.assertEqual((m["to"], m["text"]), (n, rows[0]["text"]))
        # AT retrying its callback: nothing new is queued or sent.
        st, h, body = self.at_sms(n, self.cafe, "at-in-1")
        self.assertEqual(st, 200, body)
        time.sleep(0.5)
        self.assertEqual(len(self.d.outbox("number = ?", (n,))), 1)
        self.assertEqual(self.agg.count(), 1)
        self.assertEqual(self.d.count("checkins", "number = ?", (n,)), 1)

    def test_statuscode_rejected(self):
        # 201 with a recipient statusCode 403 (InvalidPhoneNumber): no retry.
        bad = json.dumps({"SMSMessageData": {"Message": "Sent to 0/1", "Recipients": [
            {"statusCode": 403, "number": "+84912100041", "status": "InvalidPhoneNumber",
             "cost": "0", "messageId": "None"}]}})
        self.agg.script(fakeagg.status(201, bad, {"Content-Type": "application/json"}))
        rid = self.add_rows(1)[0]
        row = self.wait_state(rid, OUTBOX_FAILED)
        self.assertEqual(row["attempts"], 1)
        self.assertTrue(row["error"], row)
        self.assertTrue(self.agg.quiet(1.0))


class TwilioDriverTest(DriverTests, Base):
    driver = "twilio"
    route = "tw"
    ok_status = 201
    bad_request = fakeagg.status(400, json.dumps({
        "code": 21211, "message": "The 'To' number is not valid.",
        "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400}),
        {"Content-Type": "application/json"})
    bad_request_word = "21211"
    dlr_words = {"delivered": "delivered", "failed": "undelivered", "pending": "sent"}

    def check_request(self, req, row):
        self.assertEqual(req.method, "POST")
        self.assertTrue(req.path.endswith("/Messages.json"), req.path)
        auth = base64.b64encode(("AC%s:twtoken" % ("0" * 32)).encode()).decode()
        self.assertEqual(req.headers.get("authorization"), "Basic " + auth)
        self.assertEqual(req.f("From"), "+15005550006")
        self.assertEqual(req.f("StatusCallback"), self.d.dlr_url("tw") +
                         "?secret=%s&id=%d" % (harness.DLR_SECRET, row["id"]))
        self.assertRegex(row["ext_id"] or "", r"^SM[0-9a-f]{32}$")

    def dlr(self, row, kind, signature=None):
        url = self.d.dlr_url("tw") + "?secret=%s&id=%d" % (harness.DLR_SECRET, row["id"])
        params = [("MessageSid", row["ext_id"] or "SMx"), ("SmsSid", row["ext_id"] or "SMx"),
                  ("AccountSid", "AC" + "0" * 32), ("From", "+15005550006"),
                  ("To", row["number"]), ("MessageStatus", self.dlr_words[kind]),
                  ("SmsStatus", self.dlr_words[kind]), ("ApiVersion", "2010-04-01")]
        if kind == "failed":
            params.append(("ErrorCode", "30003"))
        if signature is None:
            signature = harness.twilio_signature("twtoken", url, params)
        return self.post(urllib.parse.urlsplit(url).path + "?" + urllib.parse.urlsplit(url).query,
                         urllib.parse.urlencode(params),
                         "application/x-www-form-urlencoded",
                         {"X-Twilio-Signature": signature})

    def test_dlr_bad_signature(self):
        row = self.checkin_row("0912100050")
        st, _, b = self.unchanged_after(lambda: self.dlr(row, "delivered", "AAAA"))
        self.assertEqual(st, 403, b)


class RetryTest(Base):
    """Retries, backoff and final states, with the json driver."""

    def requests(self, n, timeout=harness.stretch(15)):
        self.assertTrue(self.agg.wait_count(n, timeout),
                        "%d requests, wanted %d; log:\n%s" % (
                            self.agg.count(), n, harness.tail(self.d.logpath)))
        return self.agg.snapshot()

    def test_429_retry_after_3(self):
        """Longer than any backoff retry_max = 2 allows: only Retry-After explains it."""
        self.agg.script(fakeagg.status(429, "", {"Retry-After": "3"}))
        rid = self.add_rows(1)[0]
        row = self.wait_state(rid, OUTBOX_SENT, harness.stretch(15))
        reqs = self.requests(2)
        gap = reqs[1].t - reqs[0].t
        print("429 Retry-After: 3 -> next request after %.3f s" % gap)
        self.assertGreaterEqual(gap, 2.9)
        # Whole seconds: less than 4, and 0.3 s (stretched) for the pass.
        self.assertLess(gap, 4.0 + harness.stretch(0.3))
        self.assertEqual(row["attempts"], 2)

    def test_retry_after_http_date(self):
        """Retry-After as an HTTP date (RFC 9110 10.2.3), 3 to 4 s after the
        answer that carries it (whole seconds: the date is written as the
        answer goes, however late the first request came)."""
        sent = []

        def when():
            sent.append(time.strftime("%a, %d %b %Y %H:%M:%S GMT",
                                      time.gmtime(time.time() + 4)))
            return sent[-1]
        self.agg.script(fakeagg.status(503, "", {"Retry-After": when}))
        rid = self.add_rows(1)[0]
        self.wait_state(rid, OUTBOX_SENT, harness.stretch(15))
        reqs = self.requests(2)
        gap = reqs[1].t - reqs[0].t
        print("503 Retry-After: %s -> next request after %.3f s" % (sent[0], gap))
        self.assertGreaterEqual(gap, 2.9)
        # At most 4 s to the date, and 1 s (stretched) for the pass.
        self.assertLess(gap, 4.0 + harness.stretch(1.0))

    def test_max_attempts(self):
        self.agg.set_default(fakeagg.status(503, "down"))
        rid = self.add_rows(1)[0]
        row = self.wait_state(rid, OUTBOX_FAILED, harness.stretch(20))
        self.assertEqual(row["attempts"], 4)
        self.assertTrue(row["error"], row)
        self.assertTrue(self.agg.quiet(2.5), "no attempt after max_attempts")
        self.assertEqual(len(self.requests_for(rid)), 4)

    def test_hang_times_out(self):
        self.reconfigure(route_opts={"timeout": 1})
        self.agg.script(fakeagg.hang())
        rid = self.add_rows(1)[0]
        row = self.wait_state(rid, OUTBOX_SENT, harness.stretch(15))
        self.assertEqual(row["attempts"], 2)
        reqs = self.requests(2)
        gap = reqs[1].t - reqs[0].t
        print("hang, timeout = 1 -> next request after %.3f s" % gap)
        self.assertGreaterEqual(gap, 0.95)

    def test_close_retried(self):
        self.agg.script(fakeagg.close())
        rid = self.add_rows(1)[0]
        row = self.wait_state(rid, OUTBOX_SENT)
        self.assertEqual(row["attempts"], 2)
        reqs = self.requests(2)
        self.assertEqual([r.status for r in reqs], [None, 200])

    def test_connection_refused_retried(self):
        # Nothing listens on the route's port for a while.
        port = harness.free_port()
        self.reconfigure(route_opts={"url": "http://127.0.0.1:%d/send" % port})
        rid = self.add_rows(1)[0]
        row = self.d.outbox_row(rid)
        deadline = time.monotonic() + harness.stretch(10)
        while time.monotonic() < deadline and row["attempts"] < 2:
            time.sleep(0.1)
            row = self.d.outbox_row(rid)
        self.assertGreaterEqual(row["attempts"], 2, row)
        self.assertIn(row["state"], (OUTBOX_QUEUED, OUTBOX_SENDING, OUTBOX_FAILED), row)
        self.assertTrue(row["error"], row)

    def test_backoff_schedule(self):
        """retry_base 0.5, retry_max 2: gaps 0.5, 1, 2, 2, 2 (+-20% jitter)."""
        self.reconfigure(outbox_opts={"retry_base": 0.5, "retry_max": 2,
                                      "max_attempts": 6})
        self.agg.set_default(fakeagg.status(500, "no"))
        rid = self.add_rows(1)[0]
        self.wait_state(rid, OUTBOX_FAILED, harness.stretch(25))
        reqs = self.requests_for(rid)
        self.assertEqual(len(reqs), 6)
        gaps = [b.t - a.t for a, b in zip(reqs, reqs[1:])]
        want = [0.5, 1.0, 2.0, 2.0, 2.0]
        print("backoff: gaps %s s, want %s +-20%%" % (
            " ".join("%.3f" % g for g in gaps), want))
        # Never earlier than the jitter allows; later by 0.3 s (stretched)
        # for the pass to run.
        for g, w in zip(gaps, want):
            self.assertGreaterEqual(g, 0.8 * w - 0.05, (gaps, want))
            self.assertLessEqual(g, 1.2 * w + harness.stretch(0.3), (gaps, want))

    def test_max_age(self):
        """A row that keeps failing stops when it is older than max_age."""
        self.reconfigure(outbox_opts={"max_age": 60, "max_attempts": 20})
        self.agg.set_default(fakeagg.status(500, "no"))
        now = int(time.time())
        rid = self.add_rows(1, created_at=now - 57)[0]
        t0 = time.monotonic()
        row = self.wait_state(rid, OUTBOX_FAILED, harness.stretch(15))
        took = time.monotonic() - t0
        self.assertTrue(row["error"], row)
        self.assertLess(row["attempts"], 20)
        self.assertGreaterEqual(len(self.requests_for(rid)), 1)
        self.assertLess(took, harness.stretch(8),
                        "failed %.1f s after, max_age is 3 s away" % took)
        # Already too old: never sent.
        old = self.add_rows(1, created_at=now - 4000, number="+84913999999")[0]
        row = self.wait_state(old, OUTBOX_FAILED)
        self.assertLessEqual(len(self.requests_for(old)), 1)

    def test_expired(self):
        now = int(time.time())
        gone, fresh = self.d.outbox_add([
            {"route": "agg", "number": "+84913000001", "text": "Cau 1/2: stale",
             "expires_at": now - 1},
            {"route": "agg", "number": "+84913000002", "text": "Cau 1/2: fresh",
             "expires_at": now + 600}])
        self.wait_state(gone, OUTBOX_EXPIRED)
        self.wait_state(fresh, OUTBOX_SENT)
        self.assertEqual(self.requests_for(gone), [])
        self.assertEqual(len(self.requests_for(fresh)), 1)

    def test_rows_from_another_process(self):
        ids = self.add_rows(5)
        rows = self.d.wait_outbox("state = %d" % OUTBOX_SENT, (), 5)
        self.assertEqual(sorted(r["id"] for r in rows), sorted(ids))
        self.assertEqual(sorted(self.agg.ids()), sorted(ids))
        for r in self.agg.snapshot():
            m = r.msg("json")
            row = self.d.outbox_row(m["id"])
            self.assertEqual((m["to"], m["text"]), (row["number"], row["text"]))

    def test_not_json_answer_id_optional(self):
        self.agg.script(fakeagg.status(200, "", {"Content-Type": "text/plain"}),
                        fakeagg.status(202, json.dumps({"status": "ok"}),
                                       {"Content-Type": "application/json"}))
        ids = self.add_rows(2)
        for rid in ids:
            row = self.wait_state(rid, OUTBOX_SENT)
            self.assertIsNone(row["ext_id"])


class QuestionsTest(Base):
    """With questions, a check-in queues the confirmation and question 1; the
    question carries an expiry (the session timeout), the confirmation none."""

    questions = harness.QUESTIONS

    def test_checkin_and_answers(self):
        n = "0912300001"
        self.assertEqual(self.queue(n, self.pho), 2)
        rows = self.d.wait_outbox("number = ? AND state = %d" % OUTBOX_SENT,
                                  (e164(n),), 2)
        self.assertIn("Pho Thin", rows[0]["text"])
        self.assertIn(harness.Q_SYMPTOMS_VI, rows[1]["text"])
        self.assertFalse(rows[0]["expires_at"], "a confirmation never expires")
        self.assertGreater(rows[1]["expires_at"], time.time() + 60)
        self.assertEqual(rows[0]["inbound_id"], rows[1]["inbound_id"])
        self.assertEqual(self.queue(n, "2"), 1)
        rows = self.d.wait_outbox("number = ? AND state = %d" % OUTBOX_SENT,
                                  (e164(n),), 3)
        self.assertIn(harness.Q_CONTACT_VI, rows[2]["text"])
        texts = sorted(m["text"] for m in self.agg.msgs())
        self.assertEqual(texts, sorted(r["text"] for r in rows))
        # A retried message queues nothing new.
        st, _ = self.d.json_sms(n, "2", id="q-retry", path="/sms/q")
        self.assertEqual(st, 200)
        count = len(self.d.outbox())
        st, _ = self.d.json_sms(n, "2", id="q-retry", path="/sms/q")
        self.assertEqual(st, 200)
        time.sleep(0.3)
        self.assertEqual(len(self.d.outbox()), count)


class NullDriverTest(Base):
    driver = "null"
    route = "dry"

    def test_sent_without_requests(self):
        n = "0912400001"
        self.assertEqual(self.queue(n, self.pho), 1)
        row = self.d.wait_outbox("number = ? AND state = %d" % OUTBOX_SENT,
                                 (e164(n),), 1)[0]
        self.assertEqual(row["attempts"], 1)
        ids = self.add_rows(20)
        self.d.wait_outbox("state = %d" % OUTBOX_SENT, (), 21)
        self.assertEqual(self.agg.count(), 0)
        self.assertEqual(self.d.outbox_states(), {"sent": 21})
        self.assertTrue(ids)


class EventLoopTest(Base):
    """While the aggregator holds every request, inline check-ins still answer
    at once: the loop never waits for the outbox."""

    route_opts = {"timeout": 60, "inflight": 4}
    agg_default = fakeagg.hang()

    def test_inline_answers_fast_while_sends_hang(self):
        for i in range(4):
            self.assertEqual(self.queue("09125000%02d" % i, self.pho), 1)
        self.add_rows(10)
        end = time.monotonic() + harness.stretch(10)
        while time.monotonic() < end and len(self.agg.hung()) < 4:
            time.sleep(0.05)
        self.assertEqual(len(self.agg.hung()), 4, "4 requests in flight")
        lat = []
        for i in range(20):
            t = time.monotonic()
            st, r = self.d.json_sms("09125001%02d" % i, self.cafe)
            lat.append(time.monotonic() - t)
            self.assertEqual(st, 200, r)
            self.assertIn("Cafe Giang", r[0])
        print("inline check-ins while 4 sends hang: max %.1f ms, mean %.1f ms" % (
            1000 * max(lat), 1000 * sum(lat) / len(lat)))
        # Stretched, yet far below the hung sends' 60 s the loop would wait.
        self.assertLess(max(lat), harness.stretch(0.050), ["%.1f" % (1000 * x) for x in lat])
        self.assertEqual(len(self.agg.hung()), 4, "inflight = 4 is kept")
        self.assertEqual(self.d.outbox_states().get("sending"), 4)
        self.assertEqual(self.agg.count(), 4)


class RoutingTest(Base):
    """Two json routes: "agg" (the default, falling back to "b" while it is
    down) and "b", which owns the +8486 prefix (an operator's own numbers)."""

    route_opts = {"fallback": "b"}

    def setUp(self):
        self.agg2 = fakeagg.FakeAgg("json")
        self.addCleanup(self.agg2.stop)
        super().setUp()

    def extra_routes(self, d):
        return [harness.route_conf("b", "json", url=self.agg2.url("/send"), token="t2",
                                   prefixes=["+8486"], **self.ROUTE_DEFAULTS)]

    def test_prefix_routes(self):
        self.assertEqual(self.queue("0861234567", self.pho), 1)
        self.assertEqual(self.queue("0912345678", self.pho), 1)
        on_net = self.row_of("0861234567")
        other = self.row_of("0912345678")
        self.assertEqual(on_net["route"], "b")
        self.assertEqual(other["route"], "agg")
        self.wait_state(on_net["id"], OUTBOX_SENT)
        self.wait_state(other["id"], OUTBOX_SENT)
        self.assertEqual([r.msg("json")["to"] for r in self.agg2.snapshot()],
                         [e164("0861234567")])
        self.assertEqual([r.msg("json")["to"] for r in self.agg.snapshot()],
                         [e164("0912345678")])

    def test_fallback_while_down(self):
        self.agg.set_default(fakeagg.status(503, "maintenance"))
        rids = self.add_rows(6)
        for rid in rids:
            row = self.wait_state(rid, OUTBOX_SENT, harness.stretch(20))
            self.assertEqual(row["route"], "b", row)
        # The route was judged down after three failures in a row, not before.
        self.assertGreaterEqual(len(self.agg.snapshot()), 3)
        sent_by_b = {r.msg("json")["id"] for r in self.agg2.snapshot()}
        self.assertEqual(sent_by_b, set(rids))


if __name__ == "__main__":
    harness.main(600)

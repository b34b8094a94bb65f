"""The officials' store work runs on the store thread (issue 16): an
official's request whose write is slow does not hold the event loop.

The slow store work is PostgreSQL's: triggers that sleep (pg_sleep) on the
audit table's inserts, the venues' writes and the admin sessions' inserts,
made once the daemon runs. While an official's request sleeps there,
/healthz answers at once and the daemon's own loop-stall gauge stays low;
the official's answer comes, and its audit row is committed by then; a
webhook check-in sent meanwhile is answered too (after the official's
write: one store thread runs both, in order). On the loop (before) /healthz
waited for the whole sleep.

Starts its own cluster (tests/pgserver.py); skipped where PostgreSQL 15 is
not installed.
"""

import socket
import time
import unittest
import urllib.parse

import harness
from harness import stretch, wait_until

SLOW = stretch(3.0)             # seconds a slowed INSERT or UPDATE sleeps

class SlowOfficialTest(harness.SlowPgCase):

    database_prefix = "test_admin_thread"
    daemon_class = harness.AdminDaemon
    venue_options = {"owner": "0912000999"}
    slow = SLOW

    def audit_rows(self, action):
        return int(self.sql("SELECT count(*) FROM audit WHERE"
                            " action = '%s'" % action)[0][0])

    def official_in_thread(self, fn):
        """Run fn() in a thread; return it and its result once a trigger
        sleeps: the answer, and the audit rows of self.action then."""
        result = {}

        def run():
            answer = fn()
            result["audit"] = self.audit_rows(self.action)
            return answer

        return self.in_thread(run, "the official's write sleeping", 10, result)

    def assertLoopFree(self, t):
        """/healthz (the webhook port's: no database) and the admin's sign-in
        form answer at once while t waits; then a check-in is answered too."""
        took = self.healthz_at_once("the official's", t.is_alive,
                                    "the write did not sleep", login=True)
        t1 = time.monotonic()
        st, replies = self.d.json_sms("0912000111", self.code)
        checkin = time.monotonic() - t1
        self.assertEqual(st, 200, replies)
        self.assertIn("Pho Thin", replies[0])
        self.assertEnds(t, "the official's request")
        stall = self.stall_max()
        print("%s: 5 x /healthz in %.3f s, a check-in in %.2f s (behind the"
              " official's write), loop stall at most %.3f s; sleep %.1f s"
              % (self.id().split(".")[-1], took, checkin, stall, SLOW))
        self.assertLess(stall, SLOW / 3, "the loop stalled %.2f s" % stall)

    def test_audited_list(self):
        """GET /api/venues (owners' numbers: audited) while the audit row's INSERT sleeps."""
        self.slow_trigger("audit")
        self.action = "venues.list"
        t, result = self.official_in_thread(lambda: self.d.admin_json(
            "GET", "/api/venues", who="admin1"))
        self.assertLoopFree(t)
        st, venues = result["answer"]
        self.assertEqual(st, 200, venues)
        self.assertEqual([v["code"] for v in venues], [self.code])
        self.assertEqual(result["audit"], 1, "answered before its audit row")

    def test_audited_trace(self):
        """A trace read on a reader thread: its audit row on the store thread, then the answer."""
        self.slow_trigger("audit")
        self.action = "trace.venue"
        now = int(time.time())
        q = urllib.parse.urlencode(dict(code=self.code, **{"from": now - 86400,
                                                           "to": now + 60}))
        t, result = self.official_in_thread(lambda: self.d.admin_json(
            "GET", "/api/trace/venue?" + q, who="tracer1"))
        self.assertLoopFree(t)
        st, rows = result["answer"]
        self.assertEqual(st, 200, rows)
        self.assertEqual(result["audit"], 1, "answered before its audit row")

    def test_venue_write(self):
        """POST /api/venues while the venue's INSERT sleeps."""
        self.slow_trigger("venues")
        self.action = "venues.add"
        t, result = self.official_in_thread(lambda: self.d.admin_json(
            "POST", "/api/venues", {"name": "Banh Mi 25", "ward": "Hang Ca"},
            who="admin1"))
        self.assertLoopFree(t)
        st, v = result["answer"]
        self.assertEqual(st, 201, v)
        self.assertEqual(v["name"], "Banh Mi 25")
        self.assertEqual(self.sql("SELECT name FROM venues WHERE"
                                    " code = '%s'" % v["code"]), [["Banh Mi 25"]])

    def test_alert(self):
        """An exposure alert (its numbers read and its audit row written in
        one transaction) while the audit row's INSERT sleeps."""
        self.slow_trigger("audit")
        self.action = "alert.dry_run"
        now = int(time.time())
        t, result = self.official_in_thread(lambda: self.d.admin_json(
            "POST", "/api/alerts", {"venue": self.code, "from": now - 3600,
                                    "to": now + 60, "text": "Please get tested",
                                    "dry_run": True}, who="admin1"))
        self.assertLoopFree(t)
        st, obj = result["answer"]
        self.assertEqual(st, 200, obj)
        self.assertEqual(list(obj), ["would_queue"])
        self.assertEqual(result["audit"], 1, "answered before its audit row")

    def test_client_gone(self):
        """The client hangs up while its request waits for the store thread:
        the write is still committed, its answer goes nowhere, the daemon
        goes on."""
        self.slow_trigger("audit")
        s = socket.create_connection(("127.0.0.1", self.d.admin_port))
        s.sendall(("GET /api/venues HTTP/1.1\r\nHost: x\r\n"
                   "Authorization: Bearer %s\r\n\r\n" % self.d.token("admin1"))
                  .encode("ascii"))
        self.wait_sleeping("the audit row's INSERT sleeping")
        s.close()
        wait_until(lambda: self.audit_rows("venues.list") == 1, SLOW + stretch(10),
                   "the audit row committed", self.d, alive=True)
        st, venues = self.d.admin_json("GET", "/api/venues?format=json")
        self.assertEqual(st, 200, venues)
        self.assertEqual(self.audit_rows("venues.list"), 2)
        self.assertIn("path=/api/venues status=200", self.d.log())

    def test_sign_in(self):
        """POST /login while the session's INSERT sleeps; the page it opens."""
        self.slow_trigger("admin_sessions")
        self.action = "-"
        body = urllib.parse.urlencode({"token": self.d.token("tracer1")})
        t, result = self.official_in_thread(lambda: self.d.admin_http(
            "POST", "/login", body,
            headers={"Content-Type": "application/x-www-form-urlencoded"}))
        self.assertLoopFree(t)
        st, h, b = result["answer"]
        self.assertEqual(st, 303, b)
        cookie = h["set-cookie"].split(";")[0]
        st, h, b = self.d.admin_http("GET", "/dashboard", headers={"Cookie": cookie})
        self.assertEqual(st, 200, b[:200])
        self.assertIn(b'data-ward="Hang Bac"', b)


if __name__ == "__main__":
    unittest.main()

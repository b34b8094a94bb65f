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
import threading
import time
import unittest
import urllib.parse

import harness
from harness import NO_QUESTIONS, stretch, wait_until

SLOW = stretch(3.0)             # seconds a slowed INSERT or UPDATE sleeps

_dbs = iter(range(1, 1000))


class SlowOfficialTest(unittest.TestCase):

    def setUp(self):
        global SERVER
        SERVER = harness.pg_server()
        self.uri = SERVER.create_database("test_admin_thread_%d" % next(_dbs))
        self.d = harness.AdminDaemon(database=self.uri, name=type(self).__name__,
                                     questions=NO_QUESTIONS)
        self.d.__enter__()
        self.addCleanup(self.finish)
        self.code = self.d.add_venue("Pho Thin", "Hang Bac", owner="0912000999")
        self.d.start()
        self.d.wait_started()
        SERVER.sql(self.uri, """
            CREATE FUNCTION test_slow() RETURNS trigger AS $$
            BEGIN PERFORM pg_sleep(%f); RETURN NEW; END $$ LANGUAGE plpgsql;
        """ % SLOW)

    def finish(self):
        if self.d.alive():
            self.d.stop()
        self.d.__exit__(None, None, None)

    def slow(self, table, what="INSERT"):
        SERVER.sql(self.uri, "CREATE TRIGGER test_slow BEFORE %s ON %s"
                   " FOR EACH ROW EXECUTE FUNCTION test_slow();" % (what, table))

    def sleeping(self):
        return SERVER.sql(self.uri, "SELECT count(*) FROM pg_stat_activity"
                          " WHERE wait_event = 'PgSleep'") == [["1"]]

    def audit_rows(self, action):
        return int(SERVER.sql(self.uri, "SELECT count(*) FROM audit WHERE"
                              " action = '%s'" % action)[0][0])

    def in_thread(self, fn):
        """Run fn() in a thread; return it and its result once a trigger sleeps."""
        result = {}

        def run():
            result["answer"] = fn()
            result["audit"] = self.audit_rows(self.action)

        t = threading.Thread(target=run)
        t.start()
        self.addCleanup(t.join)
        wait_until(self.sleeping, 10, "the official's write sleeping", self.d,
                   alive=True)
        return t, result

    def assertLoopFree(self, t):
        """/healthz (the webhook port's: no database) and the admin's sign-in
        form answer at once while t waits; then a check-in is answered too."""
        t0 = time.monotonic()
        for _ in range(5):
            st, _, body = self.d.http("GET", "/healthz")
            self.assertEqual(st, 200, body)
            st, _, body = self.d.admin_http("GET", "/login")
            self.assertEqual(st, 200, body)
        took = time.monotonic() - t0
        self.assertLess(took, SLOW / 3, "/healthz waited for the official's store work")
        self.assertTrue(t.is_alive(), "the write did not sleep")
        t1 = time.monotonic()
        st, replies = self.d.json_sms("0912000111", self.code)
        checkin = time.monotonic() - t1
        self.assertEqual(st, 200, replies)
        self.assertIn("Pho Thin", replies[0])
        t.join(SLOW + stretch(10))
        self.assertFalse(t.is_alive(), "the official's request got no answer")
        m = self.d.metrics()
        stall = m.get(("checkind_loop_stall_max_seconds", frozenset()), 0.0)
        print("%s: 5 x /healthz in %.3f s, a check-in in %.2f s (behind the"
              " official's write), loop stall at most %.3f s; sleep %.1f s"
              % (self.id().split(".")[-1], took, checkin, stall, SLOW))
        self.assertLess(stall, SLOW / 3, "the loop stalled %.2f s" % stall)

    def test_audited_list(self):
        """GET /api/venues (owners' numbers: audited) while the audit row's INSERT sleeps."""
        self.slow("audit")
        self.action = "venues.list"
        t, result = self.in_thread(lambda: self.d.admin_json(
            "GET", "/api/venues", who="admin1"))
        self.assertLoopFree(t)
        st, venues = result["answer"]
        self.assertEqual(st, 200, venues)
        self.assertEqual([v["code"] for v in venues], [self.code])
        self.assertEqual(result["audit"], 1, "answered before its audit row")

    def test_audited_trace(self):
        """A trace read on a reader thread: its audit row on the store thread, then the answer."""
        self.slow("audit")
        self.action = "trace.venue"
        now = int(time.time())
        q = urllib.parse.urlencode(dict(code=self.code, **{"from": now - 86400,
                                                           "to": now + 60}))
        t, result = self.in_thread(lambda: self.d.admin_json(
            "GET", "/api/trace/venue?" + q, who="tracer1"))
        self.assertLoopFree(t)
        st, rows = result["answer"]
        self.assertEqual(st, 200, rows)
        self.assertEqual(result["audit"], 1, "answered before its audit row")

    def test_venue_write(self):
        """POST /api/venues while the venue's INSERT sleeps."""
        self.slow("venues")
        self.action = "venues.add"
        t, result = self.in_thread(lambda: self.d.admin_json(
            "POST", "/api/venues", {"name": "Banh Mi 25", "ward": "Hang Ca"},
            who="admin1"))
        self.assertLoopFree(t)
        st, v = result["answer"]
        self.assertEqual(st, 201, v)
        self.assertEqual(v["name"], "Banh Mi 25")
        self.assertEqual(SERVER.sql(self.uri, "SELECT name FROM venues WHERE"
                                    " code = '%s'" % v["code"]), [["Banh Mi 25"]])

    def test_alert(self):
        """An exposure alert (its numbers read and its audit row written in
        one transaction) while the audit row's INSERT sleeps."""
        self.slow("audit")
        self.action = "alert.dry_run"
        now = int(time.time())
        t, result = self.in_thread(lambda: self.d.admin_json(
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
        self.slow("audit")
        s = socket.create_connection(("127.0.0.1", self.d.admin_port))
        s.sendall(("GET /api/venues HTTP/1.1\r\nHost: x\r\n"
                   "Authorization: Bearer %s\r\n\r\n" % self.d.token("admin1"))
                  .encode("ascii"))
        wait_until(self.sleeping, 10, "the audit row's INSERT sleeping", self.d,
                   alive=True)
        s.close()
        wait_until(lambda: self.audit_rows("venues.list") == 1, SLOW + stretch(10),
                   "the audit row committed", self.d, alive=True)
        st, venues = self.d.admin_json("GET", "/api/venues?format=json")
        self.assertEqual(st, 200, venues)
        self.assertEqual(self.audit_rows("venues.list"), 2)
        self.assertIn("path=/api/venues status=200", self.d.log())

    def test_sign_in(self):
        """POST /login while the session's INSERT sleeps; the page it opens."""
        self.slow("admin_sessions")
        self.action = "-"
        body = urllib.parse.urlencode({"token": self.d.token("tracer1")})
        t, result = self.in_thread(lambda: self.d.admin_http(
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

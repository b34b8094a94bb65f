"""USSD steps and voice callbacks run on the store thread (issue 16): a
step whose store work is slow does not hold the event loop.

The slow store work is PostgreSQL's: a trigger on ussd_sessions (the
table of USSD sessions and, keyed "voice:CALL", of calls) that sleeps
(pg_sleep) is this test's hook, made once the daemon runs. While a step's
write sleeps, /healthz answers at once, an SMS check-in sent then is
answered (after the step: one store thread runs both), the step itself is
answered with its screen, and the daemon's own measure of the loop
(checkind_loop_stall_max_seconds on /metrics) stayed well under the sleep.
On the loop (before this change) /healthz waited for the whole sleep, and
so did the stall gauge.

Also: a client that hangs up during a slow step leaves the step stored and
the daemon serving; a reload during a slow step waits for it, and a stop
answers it before exiting.

Starts its own cluster (tests/pgserver.py); skipped where PostgreSQL 15 is
not installed.
"""

import random
import signal
import socket
import threading
import time
import unittest
import urllib.parse
import xml.etree.ElementTree as ET

import harness
from harness import NO_QUESTIONS, NULL_ROUTE, e164, stretch, wait_until

SLOW = stretch(3.0)             # seconds a session write sleeps

INBOUND = """
  { name = "test";     format = "json"; path = "/sms/json"; reply = "inline"; },
  { name = "ussd";     type = "ussd"; format = "africastalking"; path = "/ussd/at"; },
  { name = "voice-at"; type = "voice"; format = "africastalking"; path = "/voice/at"; }
"""

_dbs = iter(range(1, 1000))


def form(params):
    return urllib.parse.urlencode(params)


class SlowStepTest(unittest.TestCase):

    def setUp(self):
        global SERVER
        SERVER = harness.pg_server()
        self.uri = SERVER.create_database("test_ussd_thread_%d" % next(_dbs))
        self.d = harness.AdminDaemon(database=self.uri, name=type(self).__name__,
                                     inbound=INBOUND, questions=NO_QUESTIONS,
                                     outbound=lambda d: NULL_ROUTE)
        self.d.__enter__()
        self.addCleanup(self.finish)
        self.code = self.d.add_venue("Pho Thin", "Hang Bac")
        self.d.start()
        self.d.wait_started()
        SERVER.sql(self.uri, """
            CREATE FUNCTION test_slow() RETURNS trigger AS $$
            BEGIN PERFORM pg_sleep(%f); RETURN NEW; END $$ LANGUAGE plpgsql;
            CREATE TRIGGER test_slow BEFORE INSERT OR UPDATE ON ussd_sessions
                FOR EACH ROW EXECUTE FUNCTION test_slow();
        """ % SLOW)

    def finish(self):
        if self.d.alive():
            self.d.stop()
        self.d.__exit__(None, None, None)

    def sleeping(self):
        return SERVER.sql(self.uri, "SELECT count(*) FROM pg_stat_activity"
                          " WHERE wait_event = 'PgSleep'")[0][0]

    def in_thread(self, fn):
        """Run fn() in a thread; return (thread, result) once the session
        write sleeps."""
        result = {}

        def run():
            result["answer"] = fn()

        t = threading.Thread(target=run)
        t.start()
        self.addCleanup(t.join)
        wait_until(lambda: self.sleeping() == "1", stretch(10),
                   "the step's session write sleeping", self.d, alive=True)
        return t, result

    def ussd_first(self, session, number):
        return harness.ussd_at_post(self.d, session, number, "")

    def voice_first(self, call, number):
        st, h, b = self.d.http("POST", "/voice/at", form([
            ("sessionId", call), ("direction", "Inbound"), ("isActive", "1"),
            ("callerNumber", e164(number)), ("destinationNumber", "+842471009999")]),
            {"Content-Type": "application/x-www-form-urlencoded"},
            timeout=SLOW + stretch(10))
        return st, h, b.decode("utf-8")

    def joined(self, t, result, what):
        t.join(SLOW + stretch(10))
        self.assertFalse(t.is_alive(), "%s got no answer" % what)
        return result["answer"]

    def loop_free(self, slow_t):
        """While the step sleeps: /healthz at once, and an SMS check-in
        answered (it may wait for the step on the store thread)."""
        t0 = time.monotonic()
        for _ in range(5):
            st, _, body = self.d.http("GET", "/healthz")
            self.assertEqual(st, 200, body)
        took = time.monotonic() - t0
        self.assertLess(took, SLOW / 3, "/healthz waited for the step's store work")
        self.assertTrue(slow_t.is_alive(), "the session write did not sleep")
        ct, cres = self.in_thread_nowait(lambda: self.d.json_sms("0912000111", self.code))
        return ct, cres

    def in_thread_nowait(self, fn):
        result = {}

        def run():
            result["answer"] = fn()

        t = threading.Thread(target=run)
        t.start()
        self.addCleanup(t.join)
        return t, result

    def check_checkin(self, ct, cres):
        st, replies = self.joined(ct, cres, "the SMS check-in")
        self.assertEqual(st, 200, replies)
        self.assertEqual(len(replies), 1, replies)
        self.assertIn("Pho Thin", replies[0])
        self.assertEqual(SERVER.sql(self.uri, "SELECT number, channel FROM checkins"),
                         [[e164("0912000111"), "test"]])

    def check_stall(self):
        m = self.d.metrics()
        stall = m.get(("checkind_loop_stall_max_seconds", frozenset()), 0.0)
        print("\nloop stall at most %.3f s while a store write slept %.1f s" % (stall, SLOW))
        self.assertLess(stall, SLOW / 2, "the loop stalled %.2f s" % stall)

    def test_ussd_step_off_the_loop(self):
        session = "ATUid_%032x" % random.getrandbits(128)
        t, result = self.in_thread(lambda: self.ussd_first(session, "0912000222"))
        ct, cres = self.loop_free(t)
        st, h, body = self.joined(t, result, "the slow USSD step")
        self.assertEqual(st, 200, body)
        self.assertTrue(body.startswith("CON "), body)
        self.assertIn("1 Check-in", body)
        self.check_checkin(ct, cres)
        self.assertEqual(SERVER.sql(self.uri, "SELECT id, number, screen FROM ussd_sessions"),
                         [[session, e164("0912000222"), "main"]])
        self.assertEqual(self.d.metrics().get(
            ("checkind_ussd_steps_total", frozenset({("route", "ussd"), ("end", "0")}))),
            1.0)
        self.check_stall()

    def test_voice_step_off_the_loop(self):
        call = "ATVId_%032x" % random.getrandbits(128)
        t, result = self.in_thread(lambda: self.voice_first(call, "0912000333"))
        ct, cres = self.loop_free(t)
        st, h, body = self.joined(t, result, "the slow voice callback")
        self.assertEqual(st, 200, body)
        root = ET.fromstring(body)
        self.assertEqual(root.tag, "Response", body)
        self.assertEqual([k.tag for k in root], ["GetDigits", "Redirect"], body)
        self.check_checkin(ct, cres)
        self.assertEqual(SERVER.sql(self.uri, "SELECT id, number, screen FROM ussd_sessions"),
                         [["voice:" + call, e164("0912000333"), "vcode"]])
        self.check_stall()

    def test_client_gone_during_a_slow_step(self):
        """The step is stored; its answer goes nowhere; the daemon serves on."""
        session = "ATUid_%032x" % random.getrandbits(128)
        body = form([("sessionId", session), ("serviceCode", "*123#"),
                     ("phoneNumber", "0912000444"), ("networkCode", "45201"),
                     ("text", "")])
        s = socket.create_connection(("127.0.0.1", self.d.port), timeout=stretch(10))
        s.sendall(("POST /ussd/at HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   "Content-Type: application/x-www-form-urlencoded\r\n"
                   "Content-Length: %d\r\n\r\n%s" % (len(body), body)).encode())
        wait_until(lambda: self.sleeping() == "1", stretch(10),
                   "the step's session write sleeping", self.d, alive=True)
        s.close()
        wait_until(lambda: SERVER.sql(self.uri, "SELECT count(*) FROM ussd_sessions")
                   == [["1"]], SLOW + stretch(10), "the step stored", self.d, alive=True)
        SERVER.sql(self.uri, "DROP TRIGGER test_slow ON ussd_sessions")
        st, _, b = self.d.http("GET", "/healthz")
        self.assertEqual(st, 200, b)
        st, h, screen = harness.ussd_at_post(self.d, session, "0912000444", "1")
        self.assertEqual(st, 200, screen)
        self.assertTrue(screen.startswith("CON "), screen)
        self.assertEqual(SERVER.sql(self.uri, "SELECT screen FROM ussd_sessions"),
                         [["code"]])

    def test_reload_during_a_slow_step(self):
        """The step's thread never sees its configuration freed, nor does
        its answer need the route the reload replaced; the next step runs
        with the new configuration."""
        session = "ATUid_%032x" % random.getrandbits(128)
        t, result = self.in_thread(lambda: self.ussd_first(session, "0912000666"))
        self.d.signal(signal.SIGHUP)
        st, h, body = self.joined(t, result, "the slow USSD step")
        self.assertEqual(st, 200, body)
        self.assertTrue(body.startswith("CON "), body)
        self.assertIn("1 Check-in", body)
        wait_until(lambda: "configuration reloaded" in self.d.log(), stretch(10),
                   "the reload", self.d, alive=True)
        SERVER.sql(self.uri, "DROP TRIGGER test_slow ON ussd_sessions")
        st, h, screen = harness.ussd_at_post(self.d, session, "0912000666", "1")
        self.assertEqual(st, 200, screen)
        self.assertTrue(screen.startswith("CON "), screen)
        self.assertEqual(SERVER.sql(self.uri, "SELECT screen FROM ussd_sessions"),
                         [["code"]])

    def test_stop_during_a_slow_step(self):
        """A stop drains: the step in progress is answered before the
        daemon exits."""
        session = "ATUid_%032x" % random.getrandbits(128)
        t, result = self.in_thread(lambda: self.ussd_first(session, "0912000555"))
        self.d.stop()
        st, h, body = self.joined(t, result, "the slow USSD step")
        self.assertEqual(st, 200, body)
        self.assertTrue(body.startswith("CON "), body)
        self.assertIn("checkind stopped", self.d.log())
        self.assertEqual(SERVER.sql(self.uri, "SELECT id FROM ussd_sessions"), [[session]])


if __name__ == "__main__":
    unittest.main()

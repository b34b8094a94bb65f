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
import unittest
import urllib.parse
import xml.etree.ElementTree as ET

import harness
from harness import NULL_ROUTE, e164, stretch, wait_until

SLOW = stretch(3.0)             # seconds a session write sleeps

INBOUND = """
  { name = "test";     format = "json"; path = "/sms/json"; reply = "inline"; },
  { name = "ussd";     type = "ussd"; format = "africastalking"; path = "/ussd/at"; },
  { name = "voice-at"; type = "voice"; format = "africastalking"; path = "/voice/at"; }
"""

def form(params):
    return urllib.parse.urlencode(params)


class SlowStepTest(harness.SlowPgCase):

    database_prefix = "test_ussd_thread"
    daemon_class = harness.AdminDaemon
    slow = SLOW

    def daemon_options(self):
        return dict(inbound=INBOUND, outbound=lambda d: NULL_ROUTE)

    def setUp(self):
        super().setUp()
        self.slow_trigger("ussd_sessions", "INSERT OR UPDATE")

    def step_in_thread(self, fn):
        """Run fn() in a thread; return (thread, result) once the session
        write sleeps."""
        return self.in_thread(fn, "the step's session write sleeping", stretch(10))

    def ussd_first(self, session, number):
        return harness.ussd_at_post(self.d, session, number, "")

    def voice_first(self, call, number):
        st, h, b = self.d.http("POST", "/voice/at", form([
            ("sessionId", call), ("direction", "Inbound"), ("isActive", "1"),
            ("callerNumber", e164(number)), ("destinationNumber", "+842471009999")]),
            {"Content-Type": "application/x-www-form-urlencoded"},
            timeout=SLOW + stretch(10))
        return st, h, b.decode("utf-8")

    def loop_free(self, slow_t):
        """While the step sleeps: /healthz at once, and an SMS check-in
        answered (it may wait for the step on the store thread)."""
        self.healthz_at_once("the step's", slow_t.is_alive,
                             "the session write did not sleep")
        return self.in_thread(lambda: self.d.json_sms("0912000111", self.code))

    def check_checkin(self, ct, cres):
        self.assertCheckin(self.joined(ct, cres, "the SMS check-in"), "0912000111",
                           "test")

    def check_stall(self):
        stall = self.stall_max()
        print("\nloop stall at most %.3f s while a store write slept %.1f s" % (stall, SLOW))
        self.assertLess(stall, SLOW / 2, "the loop stalled %.2f s" % stall)

    def check_next_step(self, session, number):
        """The session's next step ("1") is answered: the code's screen."""
        st, h, screen = harness.ussd_at_post(self.d, session, number, "1")
        self.assertEqual(st, 200, screen)
        self.assertTrue(screen.startswith("CON "), screen)
        self.assertEqual(self.sql("SELECT screen FROM ussd_sessions"),
                         [["code"]])

    def test_ussd_step_off_the_loop(self):
        session = "ATUid_%032x" % random.getrandbits(128)
        t, result = self.step_in_thread(lambda: self.ussd_first(session, "0912000222"))
        ct, cres = self.loop_free(t)
        st, h, body = self.joined(t, result, "the slow USSD step")
        self.assertEqual(st, 200, body)
        self.assertTrue(body.startswith("CON "), body)
        self.assertIn("1 Check-in", body)
        self.check_checkin(ct, cres)
        self.assertEqual(self.sql("SELECT id, number, screen FROM ussd_sessions"),
                         [[session, e164("0912000222"), "main"]])
        self.assertEqual(self.d.metrics().get(
            ("checkind_ussd_steps_total", frozenset({("route", "ussd"), ("end", "0")}))),
            1.0)
        self.check_stall()

    def test_voice_step_off_the_loop(self):
        call = "ATVId_%032x" % random.getrandbits(128)
        t, result = self.step_in_thread(lambda: self.voice_first(call, "0912000333"))
        ct, cres = self.loop_free(t)
        st, h, body = self.joined(t, result, "the slow voice callback")
        self.assertEqual(st, 200, body)
        root = ET.fromstring(body)
        self.assertEqual(root.tag, "Response", body)
        self.assertEqual([k.tag for k in root], ["GetDigits", "Redirect"], body)
        self.check_checkin(ct, cres)
        self.assertEqual(self.sql("SELECT id, number, screen FROM ussd_sessions"),
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
        self.wait_sleeping("the step's session write sleeping", stretch(10))
        s.close()
        wait_until(lambda: self.sql("SELECT count(*) FROM ussd_sessions")
                   == [["1"]], SLOW + stretch(10), "the step stored", self.d, alive=True)
        self.sql("DROP TRIGGER test_slow ON ussd_sessions")
        st, _, b = self.d.http("GET", "/healthz")
        self.assertEqual(st, 200, b)
        self.check_next_step(session, "0912000444")

    def test_reload_during_a_slow_step(self):
        """The step's thread never sees its configuration freed, nor does
        its answer need the route the reload replaced; the next step runs
        with the new configuration."""
        session = "ATUid_%032x" % random.getrandbits(128)
        t, result = self.step_in_thread(lambda: self.ussd_first(session, "0912000666"))
        self.d.signal(signal.SIGHUP)
        st, h, body = self.joined(t, result, "the slow USSD step")
        self.assertEqual(st, 200, body)
        self.assertTrue(body.startswith("CON "), body)
        self.assertIn("1 Check-in", body)
        wait_until(lambda: "configuration reloaded" in self.d.log(), stretch(10),
                   "the reload", self.d, alive=True)
        self.sql("DROP TRIGGER test_slow ON ussd_sessions")
        self.check_next_step(session, "0912000666")

    def test_stop_during_a_slow_step(self):
        """A stop drains: the step in progress is answered before the
        daemon exits."""
        session = "ATUid_%032x" % random.getrandbits(128)
        t, result = self.step_in_thread(lambda: self.ussd_first(session, "0912000555"))
        self.d.stop()
        st, h, body = self.joined(t, result, "the slow USSD step")
        self.assertEqual(st, 200, body)
        self.assertTrue(body.startswith("CON "), body)
        self.assertIn("checkind stopped", self.d.log())
        self.assertEqual(self.sql("SELECT id FROM ussd_sessions"), [[session]])


if __name__ == "__main__":
    unittest.main()

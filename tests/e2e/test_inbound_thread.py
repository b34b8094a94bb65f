"""The group commit's store work runs on a thread of its own (issues 16 and
20): a check-in whose store work is slow does not hold the event loop.

The slow store work is PostgreSQL's: a trigger on checkins that sleeps
(pg_sleep) is this test's hook, made once the daemon runs. While the
check-in's INSERT sleeps, /healthz answers at once, a reload takes effect
and the check-in is still answered right after, and a stop waits for the
check-in and answers it before the daemon exits. On the loop (before the
store thread) /healthz waited for the whole sleep, and behind a reload
(before the store thread paused itself for it) too.

Starts its own cluster (tests/pgserver.py); skipped where PostgreSQL 15 is
not installed.

The sweep of long messages whose parts did not all come runs on that
thread too: an SMPP message missing a part is handled as it came once
multipart_timeout is over, its reply sent to the bind.
"""

import signal
import time

import harness
from harness import stretch, wait_until
from test_smpp import Base as SmppBase

SLOW = stretch(3.0)             # seconds a check-in's INSERT sleeps


class SlowStoreTest(harness.SlowPgCase):

    database_prefix = "test_inbound_thread"
    slow = SLOW

    def setUp(self):
        super().setUp()
        self.slow_trigger("checkins")

    def slow_checkin(self):
        """Send a check-in from a thread; return it once its INSERT sleeps."""
        return self.in_thread(lambda: self.d.json_sms("0912000111", self.code),
                              "the check-in's INSERT sleeping")

    def assertAnswered(self, t, result):
        self.assertCheckin(self.joined(t, result, "the slow check-in"), "0912000111")

    def test_healthz_while_a_commit_is_slow(self):
        t, result = self.slow_checkin()
        self.healthz_at_once("the check-in's", t.is_alive, "the INSERT did not sleep")
        self.assertAnswered(t, result)

    def test_reload_while_a_commit_is_slow(self):
        """The store thread never sees the configuration it began with
        freed: a reload waits for its group (the loop does not: /healthz
        answers meanwhile), and the next check-in is handled with the new
        configuration."""
        t, result = self.slow_checkin()
        self.d.signal(signal.SIGHUP)
        time.sleep(0.2)
        t0 = time.monotonic()
        st, _, body = self.d.http("GET", "/healthz")
        self.assertEqual(st, 200, body)
        self.assertLess(time.monotonic() - t0, SLOW / 3,
                        "/healthz waited for the reload")
        self.assertTrue(t.is_alive(), "the INSERT did not sleep")
        self.assertNotIn("configuration reloaded", self.d.log())
        self.assertAnswered(t, result)
        wait_until(lambda: "configuration reloaded" in self.d.log(), 10,
                   "the reload", self.d, alive=True)
        self.sql("DROP TRIGGER test_slow ON checkins")
        st, replies = self.d.json_sms("0912000222", self.code)
        self.assertEqual(st, 200, replies)
        self.assertIn("Pho Thin", replies[0])

    def test_stop_while_a_commit_is_slow(self):
        """A stop drains: the check-in in progress is committed and
        answered before the daemon exits."""
        t, result = self.slow_checkin()
        self.d.stop()
        self.assertAnswered(t, result)
        self.assertIn("checkind stopped", self.d.log())


class SweepTest(SmppBase):
    """Parts 1 and 2 of 3 only: after multipart_timeout (10 s, the least)
    the worker's sweep hands them on as one check-in, and its reply goes
    out to the bind."""

    extra = "multipart_timeout = 10;"

    def test_incomplete_message_handled(self):
        number = "+84912000301"
        text = self.pho.ljust(300)       # the code, then blanks
        keys = self.smsc.deliver_parts(number, text, mode="sar", ref=0x0301,
                                       coding=0, per=100, order=[1, 2])
        for key in keys:
            self.assertEqual(self.resp(key), 0)
        self.assertEqual(self.inbound_rows(number), [])
        wait_until(lambda: self.inbound_rows(number), 30,
                   "the incomplete message handled", self.d, alive=True)
        self.assertEqual(self.inbound_rows(number), [(self.pho,)])     # trimmed
        self.assertEqual(self.d.count("checkins", "venue_id = ? AND number = ?",
                                      (self.d.venue_id(self.pho), number)), 1)
        sub = self.wait_submits_to(number)[0]
        self.assertIn("Pho Thin", sub["text"])
        self.assertIn("only 2 of 3 parts came", self.d.log())


if __name__ == "__main__":
    harness.main(300)

"""The outbox's store work runs on the store thread (issue 16): claims and
verdicts whose statements are slow do not hold the event loop.

The slow store work is PostgreSQL's: a trigger on the outbox table that
sleeps (pg_sleep) when a row is claimed (queued -> sending) or when its
verdict is recorded (-> sent), made once the daemon runs. While a claim
or a verdict sleeps, /healthz answers at once, a webhook check-in (inline
reply) is answered, and the loop's longest stall (/metrics) stays short;
then every row is sent, each once. On the loop (before the store thread)
/healthz waited for the whole sleep.

A check-in needs the store thread too, which runs one thing at a time: it
is answered once the slow statement in progress is over, not at once.

A reload while a claim sleeps waits for it on the store thread, not on the
loop. A stop while a claim sleeps: the claim comes back to a stopping
outbox, which sends nothing and queues the rows again; the daemon exits
cleanly.

Starts its own cluster (tests/pgserver.py); skipped where PostgreSQL 15 is
not installed.
"""

import signal
import unittest

import fakeagg
import harness
from harness import (OUTBOX_QUEUED, OUTBOX_SENDING, OUTBOX_SENT, stretch,
                     wait_until)

SLOW = stretch(1.5)             # seconds one outbox row's UPDATE sleeps
ROUTE = "agg"

class SlowOutboxTest(harness.SlowPgCase):

    database_prefix = "test_outbox_thread"
    daemon_class = harness.AdminDaemon
    slow = SLOW

    def daemon_options(self):
        return dict(inbound=harness.OUTBOX_INBOUND, outbound=self.routes)

    def setUp(self):
        self.agg = fakeagg.FakeAgg("json", json_id=True)
        self.addCleanup(self.agg.stop)
        super().setUp()

    def routes(self, d):
        opts = dict(harness.OutboxCase.ROUTE_DEFAULTS)
        opts.update(url=self.agg.url("/send"), token="t", **{"from": harness.SHORT})
        opts.update(dlr_url=d.dlr_url(ROUTE), dlr_secret=harness.DLR_SECRET)
        outbox = dict(harness.OutboxCase.OUTBOX_DEFAULTS, default_route=ROUTE)
        return harness.outbound_conf([harness.route_conf(ROUTE, "json", **opts)],
                                     **outbox)

    def slow_when(self, state):
        """Every UPDATE of an outbox row to state sleeps SLOW."""
        self.slow_trigger("outbox", "UPDATE", when="NEW.state = %d" % state)

    def sleeping(self):
        return self.sleepers() != 0

    def add_rows(self, n):
        return self.d.outbox_add([{"route": ROUTE, "number": "+8491300%04d" % i,
                                   "text": "Tin nhan thu %d" % i} for i in range(n)])

    def while_slow(self, ids):
        """The daemon's store work sleeps now: the loop still answers at
        once, a check-in is answered, then every row is sent once."""
        took = self.healthz_at_once("the outbox's", self.sleeping,
                                    "the outbox's UPDATE did not sleep")

        t, result = self.in_thread(lambda: self.d.json_sms("0912000111", self.code))
        self.assertCheckin(self.joined(t, result, "the check-in",
                                       SLOW * (len(ids) + 1) + stretch(10)),
                           "0912000111")

        rows = self.d.wait_outbox("state = %d" % OUTBOX_SENT, (), len(ids),
                                  SLOW * 2 * len(ids) + stretch(20))
        self.assertEqual(sorted(r["id"] for r in rows), sorted(ids))
        self.assertEqual([r["attempts"] for r in rows], [1] * len(ids))
        self.assertTrue(self.agg.wait_answered(len(ids), stretch(10)))
        self.assertTrue(self.agg.quiet(0.5), "more requests than rows")
        self.assertEqual(sorted(self.agg.ids()), sorted(ids), "each row sent once")
        stall = self.stall_max()
        print("\n%s: 5 x /healthz in %.1f ms while an UPDATE slept %.1f s;"
              " loop stall max %.1f ms" % (self.id(), took * 1e3, SLOW, stall * 1e3))
        self.assertLess(stall, SLOW / 3, "the loop stalled for the outbox's store work")

    def test_slow_claims(self):
        self.slow_when(OUTBOX_SENDING)
        ids = self.add_rows(2)
        wait_until(self.sleeping, stretch(10), "a claim sleeping", self.d, alive=True)
        self.while_slow(ids)

    def test_slow_verdicts(self):
        self.slow_when(OUTBOX_SENT)
        ids = self.add_rows(2)
        wait_until(self.sleeping, stretch(10), "a verdict sleeping", self.d, alive=True)
        self.assertTrue(self.agg.wait_answered(1, stretch(5)), "no request made")
        self.while_slow(ids)

    def test_reload_while_a_claim_is_slow(self):
        """A reload waits for the claim on the store thread, not on the
        loop; the rows claimed are sent once, with the new configuration."""
        self.slow_when(OUTBOX_SENDING)
        ids = self.add_rows(2)
        wait_until(self.sleeping, stretch(10), "a claim sleeping", self.d, alive=True)
        self.d.signal(signal.SIGHUP)
        self.while_slow(ids)
        wait_until(lambda: "configuration reloaded" in self.d.log(), stretch(10),
                   "the reload", self.d, alive=True)

    def test_stop_while_a_claim_is_slow(self):
        """The claim comes back to an outbox that stops: nothing is sent,
        the rows are queued again for the next start."""
        self.slow_when(OUTBOX_SENDING)
        ids = self.add_rows(2)
        wait_until(self.sleeping, stretch(10), "a claim sleeping", self.d, alive=True)
        self.d.stop(timeout=SLOW * 4 + stretch(20))
        self.assertIn("checkind stopped", self.d.log())
        self.assertEqual(self.agg.snapshot(), [], "a row sent during the stop")
        rows = self.d.outbox()
        self.assertEqual(sorted(r["id"] for r in rows), sorted(ids))
        self.assertEqual([r["state"] for r in rows], [OUTBOX_QUEUED] * len(ids),
                         rows)


if __name__ == "__main__":
    unittest.main()

"""kill -9 and SIGTERM with messages in flight: nothing is lost.

Delivery is at least once: a row whose request was in flight when the daemon
died is still "sending" in the database, is queued again at the next start
and sent again. Only such a row may arrive twice at the aggregator.
"""

import collections
import time

import fakeagg
import harness
from harness import OUTBOX_QUEUED, OUTBOX_SENDING, OUTBOX_SENT

N = 300


class Kill9Test(harness.OutboxCase):
    route_opts = {"rate": 100.0, "inflight": 8, "timeout": int(harness.stretch(10))}
    agg_default = fakeagg.slow(0.2)

    def test_kill9_in_flight(self):
        ids = self.d.outbox_add([{"route": self.route, "number": "+849150%05d" % i,
                                  "text": "Tin %d" % i} for i in range(N)])
        self.assertTrue(self.agg.wait_count(1, harness.stretch(10)), "nothing sent")
        time.sleep(1.0)
        t_kill = time.monotonic()
        self.d.kill9()
        before = self.agg.snapshot()
        states = self.d.outbox_states()
        # In flight for the daemon: asked, and not answered in time for it to
        # take the answer in (0.5 s, stretched) before it died.
        taken_in = harness.stretch(0.5)
        inflight_at_kill = {r.msg("json")["id"] for r in before if r.t < t_kill and (
            r.answered is None or r.answered >= t_kill - taken_in)}
        print("at kill -9: %d requests made, %d in flight; rows %r" % (
            len(before), len(inflight_at_kill), states))
        self.assertGreater(states.get("sending", 0), 0, "nothing in flight at the kill")
        self.assertGreater(states.get("queued", 0), 0, "nothing left queued at the kill")

        self.d.start()
        rows = self.d.wait_outbox("state = %d" % OUTBOX_SENT, (), N, harness.stretch(60))
        self.assertEqual(len(rows), N)
        self.agg.wait_answered(self.agg.count(), harness.stretch(10))
        self.assertTrue(self.agg.quiet(1.0))

        got = collections.Counter(r.msg("json")["id"] for r in self.agg.snapshot())
        lost = sorted(set(ids) - set(got))
        dups = sorted(i for i, c in got.items() if c > 1)
        print("after restart: %d rows sent, %d requests, %d lost, %d sent twice %r" % (
            len(rows), sum(got.values()), len(lost), len(dups), dups))
        self.assertEqual(lost, [])
        self.assertEqual(set(got), set(ids), "requests for rows that do not exist")
        self.assertTrue(set(dups) <= inflight_at_kill,
                        "duplicates %r, in flight at the kill %r" % (
                            dups, sorted(inflight_at_kill)))
        self.assertLessEqual(len(dups), 8, "inflight = 8")
        self.assertEqual(max(got.values()), 2 if dups else 1)
        # A row claimed just before the kill may not have been asked yet: two
        # attempts, one request. Either way no more than inflight rows.
        twice = [r["id"] for r in rows if r["attempts"] == 2]
        for r in rows:
            self.assertIn(r["attempts"], (2,) if r["id"] in dups else (1, 2), r)
        self.assertLessEqual(len(twice), 8, twice)
        self.assertEqual(self.d.integrity_check(), "ok")


class SigtermTest(harness.OutboxCase):
    """SIGTERM while the aggregator holds every request: the daemon still
    stops in bounded time, and the held rows are queued, not lost nor left
    "sending"; the next start sends them."""

    # The sends' timeout stays well above the stop's bound at any factor.
    route_opts = {"rate": 100.0, "inflight": 4, "timeout": int(harness.stretch(60))}
    agg_default = fakeagg.hang()

    def test_sigterm_with_requests_hanging(self):
        ids = self.d.outbox_add([{"route": self.route, "number": "+849160%05d" % i,
                                  "text": "Tin %d" % i} for i in range(10)])
        end = time.monotonic() + harness.stretch(10)
        while time.monotonic() < end and len(self.agg.hung()) < 4:
            time.sleep(0.05)
        self.assertEqual(len(self.agg.hung()), 4)
        t = time.monotonic()
        self.d.stop(timeout=harness.stretch(15))
        took = time.monotonic() - t
        print("SIGTERM with 4 requests hanging: exited after %.2f s" % took)
        self.assertLess(took, harness.stretch(10.0), "the grace period is bounded")
        self.assertEqual(self.d.outbox_states(), {"queued": 10})
        self.assertEqual(self.d.count("outbox", "state = %d" % OUTBOX_SENDING), 0)

        self.agg.set_default(fakeagg.ok())
        self.agg.release()
        self.d.start()
        rows = self.d.wait_outbox("state = %d" % OUTBOX_SENT, (), 10)
        self.assertEqual(sorted(r["id"] for r in rows), sorted(ids))

    def test_sigterm_lets_a_slow_answer_finish(self):
        """An answer that comes within the grace period is recorded as sent."""
        self.agg.set_default(fakeagg.slow(1.0))
        rid = self.d.outbox_add([{"route": self.route, "number": "+84916100000",
                                  "text": "Tin cham"}])[0]
        self.assertTrue(self.agg.wait_count(1, harness.stretch(10)))
        self.d.stop(timeout=harness.stretch(15))
        row = self.d.outbox_row(rid)
        self.assertEqual(row["state"], OUTBOX_SENT, row)
        self.assertEqual(self.agg.count(), 1)
        self.assertNotIn(OUTBOX_QUEUED, [r["state"] for r in self.d.outbox()])


if __name__ == "__main__":
    harness.main(240)

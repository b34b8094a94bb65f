"""Two daemons (nodes) on one PostgreSQL database.

The test starts its own PostgreSQL cluster (tests/pgserver.py; skipped when
PostgreSQL 15 is not installed) and gives each test a fresh database that
two daemons share, whatever CHECKIND_TEST_DATABASE says. Each node's one
outbound route, "agg", has the same name in both configurations but its own
fake aggregator (tests/fakeagg.py), so that a request tells which node made
it; the aggregators count requests per outbox id.

- Draining: 5,000 rows queued by another process (SQL, as harness's
  outbox_add does for SQLite) go out through both nodes, each exactly once,
  at the route's rate (100/s) for both together, within 5%: the bucket is
  the store's (route_tokens), not each node's.
- A live node is never robbed: its rows in flight stay its own while the
  other node drains the rest, even across the other node's restart.
- kill -9: a node dies with rows claimed; its session is gone and the
  other node sends them at once. SIGSTOP: a node stalls with its connection
  open; its rows come back after their lease (CHECKIND_PG_LEASE,
  src/store/pg-outbox.c: seconds a claim holds a row, for tests only).
- Check-ins: 10,000 check-ins over both nodes, 10% of them sent again to the
  other node with the same id (some at the same moment): each is stored
  once and both answers carry the same replies. A 503 (a lock the other
  node holds longer than the loop waits) is sent again, as an aggregator
  does, and counted.
"""

import collections
import os
import random
import signal
import threading
import time
import unittest

import fakeagg
import harness
import pgserver
from harness import OUTBOX_SENDING, OUTBOX_SENT

ROUTE = "agg"
# Times a check-in answered 503 is sent again before the test gives up.
RETRIES_503 = 20


class Node(harness.Daemon):
    """A daemon on the database at uri, sending through its own aggregator.

    lease: CHECKIND_PG_LEASE for this node's process (None: the default).
    """

    def __init__(self, uri, agg, name, route_opts=None, lease=None):
        self.agg = agg
        self.route_opts = dict(route_opts or {})
        self.lease = lease
        super().__init__(inbound=harness.OUTBOX_INBOUND,
                         questions=harness.NO_QUESTIONS, name=name,
                         outbound=self.routes, database=uri)

    def routes(self, d):
        opts = dict(harness.OutboxCase.ROUTE_DEFAULTS)
        opts.update(url=self.agg.url("/send"), token="t", **{"from": harness.SHORT})
        opts.update(dlr_url=d.dlr_url(ROUTE), dlr_secret=harness.DLR_SECRET)
        opts.update(self.route_opts)
        outbox = dict(harness.OutboxCase.OUTBOX_DEFAULTS, default_route=ROUTE)
        return harness.outbound_conf([harness.route_conf(ROUTE, "json", **opts)],
                                     **outbox)

    def _start(self, wait):
        old = os.environ.get("CHECKIND_PG_LEASE")
        if self.lease is not None:
            os.environ["CHECKIND_PG_LEASE"] = str(int(self.lease))
        else:
            os.environ.pop("CHECKIND_PG_LEASE", None)
        try:
            return super()._start(wait)
        finally:
            if old is None:
                os.environ.pop("CHECKIND_PG_LEASE", None)
            else:
                os.environ["CHECKIND_PG_LEASE"] = old


class NodesCase(unittest.TestCase):
    """A fresh database per test on one cluster per class; self.node() makes
    daemons on it, stopped (they must stop cleanly) at the end."""

    @classmethod
    def setUpClass(cls):
        cls.server = pgserver.PgServer()

    @classmethod
    def tearDownClass(cls):
        cls.server.close()

    def setUp(self):
        self.dbname = "t_%s_%d" % (self._testMethodName.lower(), random.randrange(10 ** 6))
        self.uri = self.server.create_database(self.dbname)
        self.nodes = []
        self.aggs = []

    def failed(self):
        """This test failed so far (as harness.TestCase tells it)."""
        outcome = getattr(self, "_outcome", None)
        errs = getattr(outcome, "errors", None)
        if errs:
            return any(e[1] is not None for e in errs)
        res = getattr(outcome, "result", None)
        return res is not None and any(
            t is self for t, _ in list(res.failures) + list(res.errors))

    def tearDown(self):
        failed = self.failed()
        for a in self.aggs:
            a.stop()
        for n in self.nodes:
            if n.alive() and not failed:
                n.stop()
            n.__exit__(AssertionError if failed else None, None, None)

    def node(self, name, agg_default=None, start=True, **kw):
        agg = fakeagg.FakeAgg("json", default=agg_default)
        self.aggs.append(agg)
        n = Node(self.uri, agg, name, **kw)
        self.nodes.append(n)
        if start:
            n.start()
            n.wait_started(harness.stretch(10))
        return n

    def sql(self, sql):
        return self.server.sql(self.uri, sql)

    def scalar(self, sql):
        rows = self.sql(sql)
        return rows[0][0] if rows else None

    def queue(self, n, prefix="+84913"):
        """n rows queued for ROUTE as another process would: their ids."""
        now = int(time.time())
        rows = self.sql(
            "INSERT INTO outbox (route, number, text, state, attempts, created_at,"
            " next_at, expires_at, updated_at)"
            " SELECT '%s', '%s' || lpad(i::text, 6, '0'), 'Tin nhan ' || i, 0, 0,"
            " %d, %d, 0, %d FROM generate_series(1, %d) AS i RETURNING id"
            % (ROUTE, prefix, now, now, now, n))
        return [int(r[0]) for r in rows]

    def states(self):
        """{state: count} of the outbox."""
        return {int(s): int(c) for s, c in self.sql(
            "SELECT state, count(*) FROM outbox GROUP BY state")}

    def wait_states(self, want, timeout, what):
        """Wait until the outbox counts are want ({state: count})."""
        end = time.monotonic() + timeout
        while True:
            got = self.states()
            if all(got.get(s, 0) == c for s, c in want.items()):
                return got
            # A row sent stays sent here: more than wanted is final.
            if got.get(OUTBOX_SENT, 0) > want.get(OUTBOX_SENT, self.N):
                raise AssertionError("%s: outbox %r, want %r" % (what, got, want))
            for n in self.nodes:
                if n.proc is not None and n.starts and not n.alive() and \
                        n.proc.returncode not in (0, -9):
                    raise AssertionError("%s died (%r); log:\n%s" % (
                        n.dir, n.proc.returncode, harness.tail(n.logpath)))
            if time.monotonic() >= end:
                raise AssertionError("%.0f s: %s: outbox %r, want %r" % (
                    timeout, what, got, want))
            time.sleep(0.1)

    def sent_ok(self):
        """Counter of outbox ids over the requests both aggregators answered ok."""
        got = collections.Counter()
        for a in self.aggs:
            for r in a.snapshot():
                if r.status is not None and 200 <= r.status < 300:
                    got[r.msg("json")["id"]] += 1
        return got


class DrainTest(NodesCase):
    """5,000 rows through two nodes whose route "agg" allows 100 a second:
    50 s at the rate, long enough that the bucket's size (5 tokens, 0.05 s
    of the rate) and the first and last passes weigh less than 0.2%. Each
    node's fake aggregator answers at once; the rate is the number of
    intervals between the first request's arrival at either aggregator and
    the last one's, over that time. A bucket per node would send at twice
    the rate (inflight 8 lets each node reach it)."""

    N = 5000
    RATE = 100.0

    def test_two_nodes_drain_one_outbox_at_its_rate(self):
        opts = {"rate": self.RATE, "inflight": 8}
        a = self.node("nodeA", route_opts=opts)
        b = self.node("nodeB", route_opts=opts)
        t0 = time.monotonic()
        ids = self.queue(self.N)
        expected = (self.N - 1) / self.RATE
        self.wait_states({OUTBOX_SENT: self.N}, harness.stretch(expected * 3),
                         "all rows sent")
        took = time.monotonic() - t0
        for g in self.aggs:
            g.wait_answered(g.count(), harness.stretch(10))
        got = self.sent_ok()
        by_a, by_b = a.agg.count(), b.agg.count()
        t = sorted(r.t for g in self.aggs for r in g.snapshot())
        span = t[-1] - t[0]
        rate = (len(t) - 1) / span if span > 0 else float("inf")
        per_s = collections.Counter(int(x - t[0]) for x in t)
        print("%d rows in %.1f s; first to last request %.3f s (at %.0f/s:"
              " %.3f s): %.1f/s; node A sent %d, node B %d; per second min %d"
              " max %d" % (self.N, took, span, self.RATE, expected, rate, by_a,
                           by_b, min([per_s[k] for k in range(int(span))] or [0]),
                           max(per_s.values())))
        self.assertEqual(set(got), set(ids), "every row sent, no other")
        dups = sorted(i for i, c in got.items() if c != 1)
        self.assertEqual(len(dups), 0, "%d rows sent more than once: %r" % (
            len(dups), dups[:20]))
        self.assertEqual(by_a + by_b, self.N, "no request but the successful ones")
        self.assertGreater(by_a, 0, "node A sent nothing")
        self.assertGreater(by_b, 0, "node B sent nothing")
        self.assertEqual(self.scalar(
            "SELECT count(*) FROM outbox WHERE attempts <> 1 OR ext_id IS NULL"
            " OR claimed_by IS NOT NULL"), "0")
        # The rate of both nodes together within 5%: never faster, and not
        # slower than a machine stretched by CHECKIND_TIME_FACTOR explains.
        self.assertLessEqual(rate, self.RATE * 1.05,
                             "two nodes together too fast: %.1f/s" % rate)
        self.assertLessEqual(span, harness.stretch(expected / 0.95),
                             "two nodes together too slow: %.1f/s" % rate)


class LeaseTest(NodesCase):

    N = 40
    OPTS = {"rate": 1000.0, "inflight": 4, "timeout": int(harness.stretch(120))}

    def test_live_node_keeps_its_rows(self):
        """A node starting (and draining) never takes a live node's sends."""
        opts = self.OPTS
        a = self.node("nodeA", agg_default=fakeagg.hang(fakeagg.ok()),
                      route_opts=opts)
        ids = self.queue(self.N)
        self.assertTrue(a.agg.wait_count(4, harness.stretch(20)), "A sent nothing")
        held = self.sql("SELECT id, claimed_by FROM outbox WHERE state = %d"
                        % OUTBOX_SENDING)
        self.assertEqual(len(held), 4, held)
        held_ids = sorted(int(r[0]) for r in held)
        self.assertEqual(len({r[1] for r in held}), 1, held)
        self.assertEqual(sorted(a.agg.ids()), held_ids)

        b = self.node("nodeB", route_opts=opts)
        self.wait_states({OUTBOX_SENT: self.N - 4, OUTBOX_SENDING: 4},
                         harness.stretch(30), "B sent all but A's rows")
        b.restart()     # its start requeues what was left sending: not A's
        b.wait_started(harness.stretch(10))
        time.sleep(1.5)     # B's outbox polls once a second
        self.assertEqual(self.sql(
            "SELECT id, claimed_by FROM outbox WHERE state = %d ORDER BY id"
            % OUTBOX_SENDING), sorted(held, key=lambda r: int(r[0])))
        self.assertEqual(set(b.agg.ids()) & set(held_ids), set())

        a.agg.release()
        self.wait_states({OUTBOX_SENT: self.N}, harness.stretch(30), "A's rows sent")
        got = self.sent_ok()
        self.assertEqual(sorted(got), ids)
        self.assertEqual(max(got.values()), 1)
        self.assertEqual(sorted(i for i in got if i in held_ids), held_ids)
        self.assertEqual(sorted(a.agg.ids()), held_ids, "A sent only its own")

    def hold(self, lease=None):
        """Node A, its aggregator hanging, holding 4 of N rows: (A, the
        rows' ids, their lease_until)."""
        a = self.node("nodeA", agg_default=fakeagg.hang(), route_opts=self.OPTS,
                      lease=lease)
        ids = self.queue(self.N)
        self.assertTrue(a.agg.wait_count(4, harness.stretch(20)), "A sent nothing")
        rows = self.sql("SELECT id, lease_until FROM outbox WHERE state = %d"
                        % OUTBOX_SENDING)
        self.assertEqual(len(rows), 4, rows)
        return a, ids, sorted(int(r[0]) for r in rows), min(int(r[1]) for r in rows)

    def sent_by_b(self, ids, held_ids, b):
        """Every row sent once, B sending A's rows (again): B's requests for them."""
        self.wait_states({OUTBOX_SENT: self.N}, harness.stretch(60),
                         "A's rows sent by B")
        got = self.sent_ok()
        self.assertEqual(sorted(got), ids, "every row sent")
        self.assertEqual(max(got.values()), 1, "no row answered twice")
        self.assertEqual(self.sql(
            "SELECT attempts FROM outbox WHERE id IN (%s)"
            % ",".join(map(str, held_ids))), [["2"]] * 4)
        return [r for r in b.agg.snapshot() if r.msg("json")["id"] in held_ids]

    def test_kill9_rows_come_back_at_once(self):
        """A node killed while it sends: its session is gone, and the other
        node sends its rows without waiting for their lease (300 s)."""
        a, ids, held_ids, lease_until = self.hold()
        a.kill9()
        a.agg.stop()    # the hung requests are dropped: never answered
        b = self.node("nodeB", route_opts=self.OPTS)
        again = self.sent_by_b(ids, held_ids, b)
        self.assertEqual(sorted(r.msg("json")["id"] for r in again), held_ids)
        self.assertLess(time.time(), lease_until, "waited for the lease")

    def test_stopped_node_rows_come_back_after_lease(self):
        """A node stopped (SIGSTOP: its connection stays open) while it
        sends: its rows wait for the lease, then the other node sends them."""
        lease = int(harness.stretch(4))
        a, ids, held_ids, lease_until = self.hold(lease)
        a.signal(signal.SIGSTOP)
        self.addCleanup(a.kill9)
        b = self.node("nodeB", route_opts=self.OPTS)
        again = self.sent_by_b(ids, held_ids, b)
        self.assertEqual(sorted(r.msg("json")["id"] for r in again), held_ids)
        for r in again:
            # Arrival on the wall clock: after the lease (whole seconds).
            self.assertGreaterEqual(time.time() - (time.monotonic() - r.t),
                                    lease_until, "sent before the lease was over")
        a.kill9()
        a.agg.stop()


class CheckinTest(NodesCase):

    N = 10000
    RETRIED = 0.10

    def test_checkins_retried_on_the_other_node(self):
        a = self.node("nodeA")
        b = self.node("nodeB")
        codes = [a.add_venue("Quan %d" % i, "Hang Bac") for i in range(20)]
        rng = random.Random(16)
        msgs = []
        for i in range(self.N):
            first = (a, b)[i % 2]
            again = rng.random() < self.RETRIED
            msgs.append({"i": i, "from": "+849140%05d" % i,
                         "code": codes[i % len(codes)], "id": "pg-nodes-%d" % i,
                         "first": first, "again": again, "racing": again and i % 4 < 2})
        answers = collections.defaultdict(list)
        errors = []
        lock = threading.Lock()

        unavailable = []

        def send(d, m):
            # 503 "storage unavailable, retry later": the loop waits 20 ms
            # at most for a lock another node holds (a busy ward's row);
            # an aggregator sends the message again, as this does.
            for attempt in range(RETRIES_503):
                st, replies = d.json_sms(m["from"], m["code"], id=m["id"])
                if st != 503:
                    break
                with lock:
                    unavailable.append(m["i"])
                time.sleep(0.05 * (attempt + 1))
            with lock:
                answers[m["i"]].append((st, replies))

        def worker(part):
            try:
                for m in part:
                    other = b if m["first"] is a else a
                    if m["racing"]:
                        t = threading.Thread(target=send, args=(other, m))
                        t.start()
                        send(m["first"], m)
                        t.join()
                    else:
                        send(m["first"], m)
                        if m["again"]:
                            send(other, m)
            except BaseException as e:      # noqa: B902 (reported below)
                with lock:
                    errors.append(repr(e))

        t0 = time.monotonic()
        threads = [threading.Thread(target=worker, args=(msgs[k::4],)) for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(harness.stretch(600))
        took = time.monotonic() - t0
        self.assertEqual(errors, [])
        retried = [m for m in msgs if m["again"]]
        print("%d check-ins, %d sent again (%d at the same moment) in %.1f s;"
              " %d answers 503 (retried), for %d messages" % (
                  self.N, len(retried), sum(m["racing"] for m in msgs), took,
                  len(unavailable), len(set(unavailable))))
        for m in msgs:
            got = answers[m["i"]]
            self.assertEqual(len(got), 2 if m["again"] else 1)
            for st, replies in got:
                self.assertEqual(st, 200, (m, got))
                self.assertEqual(len(replies), 1, (m, got))
            self.assertEqual(got[0][1], got[-1][1], "two answers to one message %r" % m)
        self.assertEqual(self.scalar("SELECT count(*) FROM inbound"), str(self.N))
        self.assertEqual(self.scalar("SELECT count(*) FROM checkins"), str(self.N))
        self.assertEqual(self.scalar(
            "SELECT count(DISTINCT ext_id) FROM inbound WHERE ext_id LIKE 'pg-nodes-%'"),
            str(self.N))
        self.assertEqual(self.scalar(
            "SELECT count(*) FROM (SELECT number FROM checkins GROUP BY number"
            " HAVING count(*) <> 1) AS x"), "0")
        nums = {r[0] for r in self.sql("SELECT number FROM checkins")}
        self.assertEqual(nums, {m["from"] for m in msgs})


if __name__ == "__main__":
    harness.main(900)

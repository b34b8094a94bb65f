"""Failover: the primary dies and its streaming standby is promoted.

Each test starts its own primary and a streaming standby of it
(tests/pgserver.py: initdb, then pg_basebackup -R; skipped when PostgreSQL
15 is not installed), with synchronous replication: the primary's commits
wait for the standby, so that a commit the daemon acknowledged is on the
standby when the primary crashes (asynchronous streaming may lose the last
ones). Two daemons (tests/e2e/test_pg_nodes.py's Node) share the database
through a URI naming both hosts, target_session_attrs=read-write.

- Check-ins under load over both nodes from a few threads; mid-load the
  primary is stopped (immediate: a crash) and the standby promoted. Each
  200 is an acknowledged id, each 503 is sent again as an aggregator does.
  Both nodes serve again, no answer is other than 200 or 503, every
  acknowledged id is stored exactly once on the new primary, the nodes
  live; the time without service per node and the 503s are printed.
- The outbox goes on after the failover: rows due after it are each sent
  once; rows a node was sending at the crash (its claim lost with the
  primary: their claimer's session is not on the new one) are sent again
  by the nodes, at least once.
- Officials' reads, on the reader threads' own connections, answer again.
- A host that never answers (it accepts and stays silent, as one gone
  from a network) in the URI costs a start connect_timeout, not forever.
- The cost of synchronous replication: a short run with and without.
"""

import collections
import socket
import threading
import time

import fakeagg
import harness
import pgserver
from harness import OUTBOX_SENT, stretch
from test_pg_nodes import NodesCase

STANDBY = "standby1"
WORKERS = 4
# Check-ins acknowledged before the crash, and by each node after it.
BEFORE = 150
AFTER = 60


def until(pred, timeout):
    """Poll pred() for timeout seconds (stretched by the caller): its value."""
    end = time.monotonic() + timeout
    while True:
        v = pred()
        if v or time.monotonic() >= end:
            return v
        time.sleep(0.05)


class FailoverCase(NodesCase):
    """A primary and its synchronous streaming standby per test; self.uri
    names both. self.server is the primary until promote()."""

    @classmethod
    def setUpClass(cls):
        pass

    @classmethod
    def tearDownClass(cls):
        pass

    def setUp(self):
        self.primary = pgserver.PgServer(timeout=stretch(60))
        self.addCleanup(self.primary.close)
        self.server = self.primary
        self.dbname = "failover"
        self.primary.create_database(self.dbname)
        self.standby = self.primary.standby(STANDBY)
        self.addCleanup(self.standby.close)
        self.primary.synchronous(STANDBY)
        self.uri = ("postgresql://%s@127.0.0.1:%d,127.0.0.1:%d/%s"
                    "?target_session_attrs=read-write" % (
                        pgserver.USER, self.primary.port, self.standby.port,
                        self.dbname))
        self.nodes = []
        self.aggs = []

    def node(self, name, **kw):
        n = super().node(name, **kw)
        n.name = name
        return n

    def queue_at(self, n, at, prefix="+84916"):
        """n rows queued for the route, due at (Unix seconds): their ids."""
        rows = self.sql(
            "INSERT INTO outbox (route, number, text, state, attempts, created_at,"
            " next_at, expires_at, updated_at)"
            " SELECT 'agg', '%s' || lpad(i::text, 6, '0'), 'Tin nhan ' || i, 0, 0,"
            " %d, %d, 0, %d FROM generate_series(1, %d) AS i RETURNING id"
            % (prefix, at, at, at, n))
        return [int(r[0]) for r in rows]

    def fail_over(self):
        """Crash the primary, promote the standby: (stopped, promoted) on
        time.monotonic()."""
        t_stop = time.monotonic()
        self.primary.stop("immediate")
        self.standby.promote()
        t_up = time.monotonic()
        self.server = self.standby
        print("primary stopped, standby promoted in %.2f s" % (t_up - t_stop))
        return t_stop, t_up

    def assert_reconnected(self, n):
        """n's log tells the loss and the new primary, on one line each."""
        log = n.log()
        self.assertIn("store: lost the primary", log)
        self.assertIn("reconnected to PostgreSQL at 127.0.0.1:%d (read-write)"
                      % self.standby.port, log)


class CheckinFailoverTest(FailoverCase):

    def test_checkins_through_a_failover(self):
        a = self.node("nodeA")
        b = self.node("nodeB")
        codes = [a.add_venue("Quan %d" % i, "Hang Bac") for i in range(8)]
        lock = threading.Lock()
        acked = []             # (id, node name, time of the 200)
        unavailable = collections.Counter()
        errors = []
        stop = threading.Event()
        serial = iter(range(10 ** 7))
        deadline = time.monotonic() + stretch(300)

        def send(d, i):
            mid = "fo-%d" % i
            frm = "+84915%06d" % i
            code = codes[i % len(codes)]
            while True:
                try:
                    st, replies = d.json_sms(frm, code, id=mid)
                except Exception as e:      # a hang past the timeout, a reset
                    raise AssertionError("%s: %r" % (d.name, e))
                if st == 200:
                    if len(replies) != 1:
                        raise AssertionError("%s: %s: replies %r" % (d.name, mid, replies))
                    with lock:
                        acked.append((mid, d.name, time.monotonic()))
                    return
                if st != 503:
                    raise AssertionError("%s: %s: answer %d %r" % (d.name, mid, st, replies))
                with lock:
                    unavailable[d.name] += 1
                if time.monotonic() > deadline:
                    raise AssertionError("%s: %s: 503 until the deadline" % (d.name, mid))
                time.sleep(0.02)

        def worker(k):
            try:
                while not stop.is_set():
                    with lock:
                        i = next(serial)
                    send((a, b)[k % 2], i)      # each node its own senders
            except BaseException as e:      # noqa: B902 (reported below)
                with lock:
                    errors.append(repr(e))
                stop.set()

        def count_after(name, t):
            with lock:
                return sum(1 for _, n, at in acked if n == name and at > t)

        threads = [threading.Thread(target=worker, args=(k,)) for k in range(WORKERS)]
        for t in threads:
            t.start()
        try:
            self.assertTrue(until(lambda: len(acked) >= BEFORE or errors,
                                  stretch(60)), "no load before the failover")
            self.assertEqual(errors, [])
            t_stop, t_up = self.fail_over()
            self.assertTrue(until(
                lambda: errors or (count_after(a.name, t_up) >= AFTER and
                                   count_after(b.name, t_up) >= AFTER),
                stretch(60)), "the nodes do not serve again: %d, %d 200s after"
                " the promotion" % (count_after(a.name, t_up),
                                    count_after(b.name, t_up)))
        finally:
            stop.set()
            for t in threads:
                t.join(stretch(120))
        self.assertFalse(any(t.is_alive() for t in threads), "a sender hangs")
        self.assertEqual(errors, [])
        for n in (a, b):
            self.assertTrue(n.alive(), "%s died; log:\n%s" % (
                n.name, harness.tail(n.logpath)))

        # Without service: a node's longest time between two 200s from
        # the stop on (the last answers before the crash may end after it).
        gaps = []
        for n in (a, b):
            times = sorted(at for _, name, at in acked if name == n.name)
            self.assertTrue(times[0] < t_stop < times[-1], n.name)
            gaps.append("%s %.2f s" % (n.name, max(
                t1 - t0 for t0, t1 in zip(times, times[1:]) if t1 > t_stop)))
        print("%d check-ins acknowledged, %d answers 503 (%s); without service:"
              " %s; promotion took %.2f s" % (
                  len(acked), sum(unavailable.values()),
                  ", ".join("%s %d" % kv for kv in sorted(unavailable.items())),
                  ", ".join(gaps), t_up - t_stop))

        ids = [mid for mid, _, _ in acked]
        self.assertEqual(len(ids), len(set(ids)), "an id acknowledged twice")
        stored = collections.Counter(r[0] for r in self.sql(
            "SELECT ext_id FROM inbound WHERE ext_id LIKE 'fo-%'"))
        lost = sorted(set(ids) - set(stored))
        self.assertEqual(lost, [], "%d acknowledged check-ins lost" % len(lost))
        self.assertEqual(sorted(stored), sorted(ids), "stored, never acknowledged")
        self.assertEqual([i for i, c in stored.items() if c != 1], [],
                         "stored more than once")
        self.assertEqual(self.scalar("SELECT count(*) FROM checkins"), str(len(ids)))
        self.assertEqual(self.scalar("SELECT pg_is_in_recovery()"), "f")
        for n in (a, b):
            self.assert_reconnected(n)
            print("%s: %s" % (n.name, "; ".join(
                l.split(" ", 1)[1] for l in n.log().splitlines()
                if "store:" in l)[:1500]))


class OutboxFailoverTest(FailoverCase):

    N = 24
    OPTS = {"rate": 1000.0, "inflight": 4, "timeout": int(stretch(120))}

    def test_outbox_goes_on(self):
        """Rows due after the failover are sent once each; rows node A was
        sending at the crash (its aggregator holding them) are sent again
        by the nodes on the new primary, then A's old requests end too:
        those are sent at least once (here: twice)."""
        a = self.node("nodeA", agg_default=fakeagg.hang(fakeagg.ok()),
                      route_opts=self.OPTS)
        held = self.queue(4)
        self.assertTrue(a.agg.wait_count(4, stretch(20)), "A sent nothing")
        self.assertEqual(sorted(a.agg.ids()), held)
        b = self.node("nodeB", route_opts=self.OPTS)
        # Due after the failover: queued now, for 3 s from now.
        later = self.queue_at(20, int(time.time()) + 3)
        self.fail_over()
        a.agg.set_default(fakeagg.ok())
        self.wait_states({OUTBOX_SENT: 24}, stretch(60), "all rows sent")
        a.agg.release()
        for g in self.aggs:
            g.wait_answered(g.count(), stretch(10))
        got = self.sent_ok()
        self.assertEqual(sorted(got), sorted(held + later), "every row sent")
        self.assertEqual({i: got[i] for i in later}, {i: 1 for i in later},
                         "rows due after the failover: once each")
        self.assertEqual({i: got[i] for i in held}, {i: 2 for i in held},
                         "rows in flight at the crash: again after it")
        print("outbox: %d rows due after the failover sent once each; %d in"
              " flight at the crash sent twice" % (len(later), len(held)))
        self.assertEqual(self.scalar(
            "SELECT count(*) FROM outbox WHERE claimed_by IS NOT NULL"), "0")
        for n in (a, b):
            self.assertTrue(n.alive())
            self.assert_reconnected(n)


class SilentHostTest(FailoverCase):

    def test_silent_host_is_skipped(self):
        """A first host that accepts and never answers: the node starts on
        the second after connect_timeout (3 s by default), and serves."""
        silent = socket.socket()
        silent.bind(("127.0.0.1", 0))
        silent.listen(64)       # never accepted: the kernel answers alone
        self.addCleanup(silent.close)
        self.uri = "postgresql://%s@127.0.0.1:%d,127.0.0.1:%d/%s" % (
            pgserver.USER, silent.getsockname()[1], self.primary.port,
            self.dbname)
        t0 = time.monotonic()
        a = self.node("nodeA", start=False)
        a.start(wait=False)
        a.wait_started(30)     # stretched by wait_until
        took = time.monotonic() - t0
        code = a.add_venue("Quan 1", "Hang Bac")
        st, replies = a.json_sms("+84917000001", code)
        self.assertEqual(st, 200, replies)
        print("started past a silent host in %.1f s" % took)


class ReaderFailoverTest(FailoverCase):

    PATH = "/api/reports/inactive?days=7"

    def test_readers_reconnect(self):
        """Officials' reads (the reader threads' own connections) answer
        again after the failover, from the new primary."""
        d = harness.AdminDaemon(database=self.uri, name="readers")
        d.__enter__()
        self.addCleanup(d.__exit__, None, None, None)
        self.addCleanup(lambda: d.alive() and d.stop())
        d.start()
        d.wait_started()
        code = d.add_venue("Quan 1", "Hang Bac")
        st, _, body = d.admin_http("GET", self.PATH, who="admin1")
        self.assertEqual(st, 200, body)
        self.assertIn(code.encode(), body)
        _, t_up = self.fail_over()
        answers = collections.Counter()

        def served():
            st, _, body = d.admin_http("GET", self.PATH, who="admin1")
            answers[st] += 1
            return st == 200 and code.encode() in body

        self.assertTrue(until(served, stretch(30)), "reads not served: %r" % answers)
        print("reads after the failover: %s" % dict(answers))
        self.assertEqual(set(answers) - {200, 503}, set(), answers)
        self.assertTrue(d.alive())
        self.assertIn("(a reader)", d.log())
        self.assertIn("reconnected to PostgreSQL at 127.0.0.1:%d (read-write)"
                      % self.standby.port, d.log())


class SynchronousCostTest(FailoverCase):

    N = 120         # check-ins per run, one sender: each its own commit
    RUNS = 3        # runs each way, alternated

    def run_load(self, d, codes, run):
        """N check-ins, one at a time: their latencies in ms, sorted."""
        lat = []
        for i in range(self.N):
            t = time.monotonic()
            st, replies = d.json_sms("+849%02d%06d" % (run, i), codes[i % len(codes)],
                                     id="sync-%d-%d" % (run, i))
            self.assertEqual(st, 200, replies)
            lat.append(1000 * (time.monotonic() - t))
        return sorted(lat)

    def test_synchronous_cost(self):
        """The same load with the standby asynchronous and synchronous:
        the median latency of a check-in each way (printed, not asserted:
        a loaded machine's figures say little), all of them stored."""
        a = self.node("nodeA")
        codes = [a.add_venue("Quan %d" % i, "Hang Bac") for i in range(8)]
        got = {"async": [], "sync": []}
        for run in range(2 * self.RUNS):
            sync = run % 2 == 1
            self.primary.synchronous(STANDBY if sync else "")
            lat = self.run_load(a, codes, run)
            got["sync" if sync else "async"].append(lat[len(lat) // 2])
        med = {k: sorted(v)[len(v) // 2] for k, v in got.items()}
        print("median check-in, one sender: asynchronous %.1f ms, synchronous"
              " %.1f ms (runs: %s; %s)" % (
                  med["async"], med["sync"],
                  " ".join("%.1f" % v for v in got["async"]),
                  " ".join("%.1f" % v for v in got["sync"])))
        self.assertEqual(self.scalar("SELECT count(*) FROM checkins"),
                         str(2 * self.RUNS * self.N))


if __name__ == "__main__":
    harness.main(900)

"""Retention: personal rows older than retention_days go, off the loop.

The daemon purges at start (within a couple of seconds) and every
purge.interval seconds, on a thread of its own with its own connection, in
chunks of one short transaction each; each purge ends with the info line
`purge: deleted=N chunks=M longest_ms=X ... rows_per_s=R` (longest_ms: the
longest transaction, the most the loop could wait for the lock). The
aggregates (daily_stats, ward_days), venues and subscribers (the opt-outs)
are not personal history and stay.

RetentionTest inserts a small dataset on both sides of the limit with
python's sqlite3 before the daemon starts, and checks what is left.
LargePurgeTest inserts hundreds of thousands of old check-ins (a quarter
of that in a sanitizer build), starts the daemon and, while the purge
runs, sends GET /healthz to the webhook listener back to back. It prints
the purge's rows per second, the daemon's longest transaction, the
probes' latencies and the loop's longest stall as the daemon measures it
(checkind_loop_stall_max_seconds of /metrics; the issue's target: 20 ms).

No bound here is the speed of a quiet machine: the purge has no deadline
of its own, only a progress watchdog (it fails if no old row went for
STALL_S seconds, stretched by CHECKIND_TIME_FACTOR), so a loaded machine
or a sanitizer build only makes it slower. What cannot be noise is held:
every old row gone, every young row and every aggregate kept, the
daemon's longest transaction, its loop stall and the probes far below
what one transaction over all the rows would take. The bounds grow with
the load seen while purging; the test passes beside CPU burners.
"""

import os
import re
import time
import urllib.parse

import harness
from harness import PURGE_RE

DAY = 86400
RETENTION = 28

# The large test: how many old check-ins and inbound rows. A sanitizer build
# (CHECKIND_TIME_FACTOR > 1) purges a quarter: still thousands of chunks.
LARGE_CHECKINS = int(os.environ.get("CHECKIND_PURGE_ROWS") or
                     (400000 if harness.TIME_FACTOR <= 1 else 100000))
LARGE_INBOUND = 20000
LARGE_YOUNG = 1000
PROBE_P99_MS = 50.0         # 99% of /healthz answers while purging
PROBE_LIMIT_MS = 500.0      # no answer waits like a monolithic purge would (seconds)
CHUNK_LIMIT_MS = 500.0      # the daemon's longest transaction, likewise (its aim is 10 ms)
STALL_LIMIT_MS = 200.0      # the loop's longest stall as the daemon measures it
STALL_TARGET_MS = 20.0      # the target for a loop stall: reported, not asserted
STALL_S = 30.0              # seconds without an old row going: the purge is stuck


def purge_lines(log):
    """Every purge line of a log: [(deleted, chunks, longest_ms)]."""
    return [(int(m.group(1)), int(m.group(2)), float(m.group(3)))
            for m in re.finditer(PURGE_RE, log)]


def wait_purge(d, timeout=None, skip=0):
    """Wait for a purge line after the first skip ones; its figures."""
    if timeout is None:
        timeout = harness.stretch(20.0)
    end = time.monotonic() + timeout
    while True:
        lines = purge_lines(d.log())
        if len(lines) > skip:
            return lines[skip]
        if not d.alive():
            raise AssertionError("checkind died; log:\n%s" % harness.tail(d.logpath))
        if time.monotonic() >= end:
            raise AssertionError("no `purge: deleted=N chunks=M longest_ms=X` line "
                                 "%.0f s after start; log:\n%s"
                                 % (timeout, harness.tail(d.logpath)))
        time.sleep(0.05)


class Base(harness.AdminCase):
    """A daemon with the default retention (28 days) and a purge a minute."""

    extra = "retention_days = %d;\npurge = { interval = 60; };\n" % RETENTION

    def venues(self):
        self.pho = self.d.add_venue("Pho Thin", "Hang Bac")
        self.cafe = self.d.add_venue("Cafe Giang", "Hang Gai")
        self.pho_id = self.d.venue_id(self.pho)
        self.cafe_id = self.d.venue_id(self.cafe)
        self.fill()

    def fill(self):
        pass


class RetentionTest(Base):
    """Rows on both sides of the limit; the old ones go, the rest stays."""

    def fill(self):
        now = int(time.time())
        limit = now - RETENTION * DAY
        self.now = now
        old = [limit - 3600, limit - 2 * DAY, limit - 40 * DAY]
        young = [limit + 3600, now - 3 * DAY, now - 600]
        self.old_times, self.young_times = old, young
        c = self.db_write()
        c.execute("BEGIN IMMEDIATE")
        self.expect_gone = {}
        self.expect_kept = {}

        def add(table, cols, rows, gone):
            sql = "INSERT INTO %s (%s) VALUES (%s)" % (
                table, ", ".join(cols), ", ".join("?" * len(cols)))
            ids = [c.execute(sql, r).lastrowid for r in rows]
            book = self.expect_gone if gone else self.expect_kept
            book.setdefault(table, []).extend(ids)
            return ids

        for gone, times in ((True, old), (False, young)):
            tag = "old" if gone else "new"
            inb = add("inbound", ("channel", "ext_id", "number", "text", "received_at",
                                  "replies"),
                      [("test", "%s-%d" % (tag, i), "+8491200%04d" % i,
                        self.pho, t, "[]") for i, t in enumerate(times)], gone)
            cks = add("checkins", ("venue_id", "number", "companions", "sent_at",
                                   "received_at", "checked_out_at", "channel",
                                   "inbound_id"),
                      [(self.pho_id if i % 2 else self.cafe_id, "+8491200%04d" % i, i,
                        t, t + 5, (t + 1800) if i % 2 else None, "test", inb[i])
                       for i, t in enumerate(times)], gone)
            # A check-in without an inbound row (checkinctl, another channel).
            cks += add("checkins", ("venue_id", "number", "companions", "sent_at",
                                    "received_at", "channel"),
                       [(self.pho_id, "+84913000001", 0, times[0], times[0], "ussd")],
                       gone)
            decl = add("declarations", ("number", "venue_id", "checkin_id",
                                        "started_at", "completed_at", "flagged"),
                       [("+8491200%04d" % i, self.pho_id, cks[i], t, t + 60, i % 2)
                        for i, t in enumerate(times[:2])], gone)
            add("answers", ("declaration_id", "question", "answer", "flagged",
                            "answered_at"),
                [(decl[0], "symptoms", "no", 0, times[0] + 30),
                 (decl[0], "contact", "no", 0, times[0] + 60),
                 (decl[1], "symptoms", "yes", 1, times[1] + 30)], gone)
            # Settled outbox rows (sent, delivered, failed) of the null route.
            add("outbox", ("route", "number", "text", "state", "attempts",
                           "created_at", "next_at", "updated_at"),
                [("dry", "+8491200%04d" % i, "Da check-in %s" % tag, st, 1, t, t, t + 2)
                 for i, (t, st) in enumerate(zip(times, (harness.OUTBOX_SENT,
                                                         harness.OUTBOX_DELIVERED,
                                                         harness.OUTBOX_FAILED)))],
                gone)
        # daily_stats: old and young days; all of them stay.
        days = sorted(set(harness.day_start(t) for t in old + young))
        for i, day in enumerate(days):
            c.execute("INSERT INTO daily_stats (venue_id, day, checkins, people) "
                      "VALUES (?, ?, ?, ?)", (self.pho_id, day, 10 + i, 5 + i))
        # An old opt-out is a wish, not a record of a visit: it stays.
        c.execute("INSERT INTO subscribers (number, lang, opted_out, help_at, updated_at) "
                  "VALUES ('+84912009999', 1, 1, 0, ?)", (old[2],))
        c.execute("COMMIT")
        self.stats_before = self.stats(c)
        c.close()

    def stats(self, c=None):
        sql = "SELECT venue_id, day, checkins, people FROM daily_stats ORDER BY venue_id, day"
        if c is not None:
            return c.execute(sql).fetchall()
        return self.d.query(sql)

    def ids(self, table):
        return set(r[0] for r in self.d.query("SELECT id FROM %s" % table))

    def test_old_rows_go_young_stay(self):
        deleted, chunks, longest = wait_purge(self.d)
        print("\nretention: purge deleted=%d chunks=%d longest_ms=%g"
              % (deleted, chunks, longest))
        for table, ids in self.expect_gone.items():
            left = self.ids(table) & set(ids)
            self.assertEqual(left, set(), "%s: rows older than %d days left: %r" % (
                table, RETENTION, sorted(left)))
        for table, ids in self.expect_kept.items():
            missing = set(ids) - self.ids(table)
            self.assertEqual(missing, set(), "%s: rows younger than %d days purged: %r"
                             % (table, RETENTION, sorted(missing)))
        self.assertEqual(self.stats(), [tuple(r) for r in self.stats_before],
                         "daily_stats changed")
        self.assertEqual(self.d.query(
            "SELECT opted_out, lang FROM subscribers WHERE number = '+84912009999'"),
            [(1, 1)], "an opt-out was forgotten")
        self.assertEqual(self.d.count("venues"), 2)
        total = sum(len(v) for v in self.expect_gone.values())
        self.assertEqual(deleted, total, "the purge line counts %d rows, %d were old: %r"
                         % (deleted, total, {k: len(v) for k, v in self.expect_gone.items()}))
        self.assertGreaterEqual(chunks, 1)

    def test_reports_of_purged_days_still_work(self):
        """The ward report of a purged period comes from daily_stats."""
        wait_purge(self.d)
        frm = harness.day_start(self.old_times[2])
        to = harness.day_start(self.old_times[0]) + DAY
        st, rows = self.d.admin_json(
            "GET", "/api/reports/wards?from=%s&to=%s" % (
                urllib.parse.quote(harness.iso(frm)),
                urllib.parse.quote(harness.iso(to))), who="tracer1")
        self.assertEqual(st, 200, rows)
        want = sum(r[2] for r in self.stats_before
                   if frm <= r[1] < to and r[0] == self.pho_id)
        self.assertGreater(want, 0)
        got = dict((r["ward"], r) for r in rows)
        self.assertIn("Hang Bac", got, rows)
        self.assertEqual(int(got["Hang Bac"]["checkins"]), want, rows)
        self.assertEqual(int(got["Hang Bac"]["venues_used"]), 1, rows)

    def test_purge_again_deletes_nothing(self):
        """A restart purges again: nothing old is left, young rows stay."""
        wait_purge(self.d)
        kept = {t: self.ids(t) for t in self.expect_kept}
        self.d.restart()
        deleted, chunks, longest = wait_purge(self.d, skip=1)
        self.assertEqual(deleted, 0)
        for t, ids in kept.items():
            self.assertEqual(self.ids(t), ids, t)
        self.assertEqual(self.stats(), [tuple(r) for r in self.stats_before])


class LargePurgeTest(Base):
    """Many old check-ins: the loop keeps answering while they go."""

    def fill(self):
        now = int(time.time())
        old = now - (RETENTION + 5) * DAY
        c = self.db_write()
        t0 = time.monotonic()
        c.execute("BEGIN IMMEDIATE")
        vids = (self.pho_id, self.cafe_id)
        c.executemany(
            "INSERT INTO checkins (venue_id, number, companions, sent_at, received_at,"
            " checked_out_at, channel, inbound_id) VALUES (?, ?, ?, ?, ?, ?, 'test', NULL)",
            ((vids[i & 1], "+8491%07d" % ((i * 7919) % 300000), i % 3,
              old - (i % (5 * DAY)), old - (i % (5 * DAY)) + 3,
              None if i % 4 else old - (i % (5 * DAY)) + 1800)
             for i in range(LARGE_CHECKINS)))
        c.executemany(
            "INSERT INTO inbound (channel, ext_id, number, text, received_at, replies)"
            " VALUES ('test', ?, ?, ?, ?, '[]')",
            (("big-%d" % i, "+8491%07d" % i, self.pho, old - i % DAY)
             for i in range(LARGE_INBOUND)))
        c.executemany(
            "INSERT INTO checkins (venue_id, number, companions, sent_at, received_at,"
            " channel) VALUES (?, ?, 0, ?, ?, 'test')",
            ((self.pho_id, "+8498%07d" % i, now - 3600 - i, now - 3600 - i)
             for i in range(LARGE_YOUNG)))
        for k in range(10):
            day = harness.day_start(old - k * DAY)
            c.execute("INSERT INTO daily_stats (venue_id, day, checkins, people) "
                      "VALUES (?, ?, ?, ?)", (self.pho_id, day, 1000 + k, 900 + k))
        c.execute("COMMIT")
        self.insert_s = time.monotonic() - t0
        self.old_limit = now - RETENTION * DAY
        c.close()
        self.filled_at = time.monotonic()

    def setUp(self):
        harness.AdminCase.setUp(self)
        # From the end of the inserts to both ports listening: a purge that
        # ran before the loop would show here.
        self.listen_s = time.monotonic() - self.filled_at

    def old_left(self):
        """Old check-ins and inbound rows still there."""
        return (self.d.count("checkins", "sent_at < ?", (self.old_limit,)) +
                self.d.count("inbound", "received_at < ?", (self.old_limit,)))

    def test_large_purge_never_stalls(self):
        d = self.d
        print("\nlarge purge: inserted %d old check-ins + %d old inbound + %d young "
              "in %.1f s" % (LARGE_CHECKINS, LARGE_INBOUND, LARGE_YOUNG, self.insert_s))
        # setUp already started the daemon and waited for both ports; the
        # purge begins within a couple of seconds of the start.
        lat = []
        worst, worst_at = 0.0, 0.0
        t0 = time.monotonic()
        stall = harness.stretch(STALL_S)
        left = self.old_left()
        progress_at = t0
        line = None
        seen = 0
        logpos = 0
        buf = ""
        load = harness.busy()
        while line is None:
            for i in range(50):
                a = time.monotonic()
                st, h, b = d.http("GET", "/healthz", timeout=harness.stretch(10))
                ms = (time.monotonic() - a) * 1000.0
                if st != 200:
                    self.fail("/healthz -> %d %r" % (st, b))
                lat.append(ms)
                if ms > worst:
                    worst, worst_at = ms, a - t0
            load = max(load, harness.busy())
            with open(d.logpath, "rb") as f:
                f.seek(logpos)
                chunk = f.read()
            logpos += len(chunk)
            buf += chunk.decode("utf-8", "replace")
            lines = purge_lines(buf)
            # The first purge line with something deleted is the big one.
            for x in lines[seen:]:
                if x[0] > 0:
                    line = x
                    break
            seen = len(lines)
            if not d.alive():
                self.fail("checkind died while purging; log:\n%s" % harness.tail(d.logpath))
            now = time.monotonic()
            if line is None and now - progress_at >= 1.0:
                n = self.old_left()
                if n < left:
                    left, progress_at = n, now
                elif now - progress_at > stall:
                    self.fail("the purge made no progress for %.0f s (%d old rows left, "
                              "%.0f s after the first probe); log:\n%s"
                              % (now - progress_at, n, now - t0, harness.tail(d.logpath)))
        wall = time.monotonic() - t0
        deleted, chunks, longest = line
        s = sorted(lat)
        p50 = s[len(s) // 2]
        p99 = s[min(len(s) - 1, int(len(s) * 0.99))]
        print("large purge: deleted=%d chunks=%d longest_ms=%g (daemon's figure), "
              "done within %.1f s of the first probe (%.0f rows/s)"
              % (deleted, chunks, longest, wall, deleted / max(wall, 1e-3)))
        print("large purge: the daemon listened %.2f s after the inserts" % self.listen_s)
        print("large purge: %d /healthz probes while purging: p50 %.2f ms, p99 %.2f ms, "
              "max %.2f ms (at %.2f s); %d over 20 ms, %d over 50 ms"
              % (len(lat), p50, p99, s[-1], worst_at, sum(1 for x in lat if x > 20),
                 sum(1 for x in lat if x > 50)))
        left = d.scalar("SELECT count(*) FROM checkins WHERE sent_at < ?", (self.old_limit,))
        left_in = d.scalar("SELECT count(*) FROM inbound WHERE received_at < ?",
                           (self.old_limit,))
        self.assertEqual(left, 0, "old check-ins left after the purge line")
        self.assertEqual(left_in, 0, "old inbound rows left after the purge line")
        self.assertEqual(d.count("checkins"), LARGE_YOUNG, "young check-ins purged")
        self.assertEqual(d.count("daily_stats"), 10, "daily_stats purged")
        self.assertEqual(deleted, LARGE_CHECKINS + LARGE_INBOUND)
        self.assertGreaterEqual(len(lat), 100, "too few probes to measure the loop")
        self.assertLess(self.listen_s, harness.stretch(5.0), "the daemon took %.1f s to listen: a purge "
                        "before the loop?" % self.listen_s)
        m = d.metrics()
        stall_ms = 1000.0 * m.get(("checkind_loop_stall_max_seconds", frozenset()), 0.0)
        stalls = m.get(("checkind_loop_stalls_total", frozenset()), 0.0)
        rate = re.search(r"purge: deleted=%d .*rows_per_s=(\d+)" % deleted, d.log())
        print("large purge: the daemon's own rate %s rows/s; longest transaction %g ms; "
              "loop stall at most %.1f ms (target %g ms), %d over 20 ms; "
              "machine load %.1f per CPU at most"
              % (rate.group(1) if rate else "?", longest, stall_ms, STALL_TARGET_MS,
                 stalls, load))
        self.assertIsNotNone(rate, "no rows_per_s in the purge line")
        self.assertGreater(chunks, 1, "one transaction for %d rows" % deleted)
        # The longest of many transactions and probes is where one
        # preemption lands: the bounds grow with the most load seen while
        # purging. A monolithic purge would still hold the lock for minutes.
        self.assertLess(longest, harness.stretch(CHUNK_LIMIT_MS, load),
                        "the purge's longest transaction took %.1f ms (load %.1f)"
                        % (longest, load))
        self.assertLess(stall_ms, harness.stretch(STALL_LIMIT_MS, load),
                        "the daemon measured a loop stall of %.1f ms (load %.1f)"
                        % (stall_ms, load))
        self.assertLess(p99, harness.stretch(PROBE_P99_MS, load),
                        "1%% of probes waited over %.1f ms (load %.1f)" % (p99, load))
        self.assertLess(s[-1], harness.stretch(PROBE_LIMIT_MS, load),
                        "the loop stalled %.1f ms during the purge (load %.1f)" % (s[-1], load))


if __name__ == "__main__":
    # The watchdog is a backstop only: the purge's own bound is its progress.
    harness.main(1200)

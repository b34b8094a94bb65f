"""Officials' reads never stall a resident's check-in (issue 15).

Traces, the ward and inactive reports and the dashboard run on reader
threads (admin.readers), each with its own read-only connection; the loop
only parses, writes the audit row once the read is done, and sends the
answer from the file the reader wrote it to.

StallTest fills a busy venue with hundreds of thousands of check-ins
(python's sqlite3, before the daemon starts), then sends a check-in every
10 ms through the webhook while officials ask a contacts trace, a venue
export as CSV, the 28-day ward report, the inactive report and the
dashboard, all at once. Every check-in must be answered within 100 ms
(stretched by CHECKIND_TIME_FACTOR and the load), every read answered
200 with the rows stored, and each personal read audited with its count.

QueueTest (admin.readers = 1, admin.query_timeout = 1 s): a contacts trace
made deliberately huge is interrupted and answered 503 with the reason;
the reads beyond a token's share, and beyond the queue, get 429 with a
Retry-After at once.

AggregatesTest sends crafted check-ins through the webhook over three days
and two wards and checks every figure of the ward report against the raw
rows (check-ins, venues used, visitors: distinct numbers a ward a day,
summed over the days), then purges the old days with checkinctl and checks
the raw rows gone and the figures unchanged.
"""

import os
import subprocess
import threading
import time
import urllib.parse

import harness

DAY = 86400
BUSY_ROWS = int(os.environ.get("CHECKIND_READERS_ROWS") or
                (300000 if harness.TIME_FACTOR <= 1 else 100000))
PERSON = "+84987000001"         # checks in at the busy venue again and again
CHECKIN_EVERY = 0.010           # seconds between two residents' check-ins
CHECKIN_LIMIT_MS = 100.0        # the most one may wait, stretched
HEAVY_STAYS = 400               # the person's stays for a query past 1 s


def fill_busy(c, busy_vid, now, rows, person_stays):
    """rows short stays at the busy venue over the last 20 hours (closed
    after a minute: a contacts trace scans a day of them for each of the
    person's stays, and finds few), and person_stays stays of PERSON there."""
    start = now - 20 * 3600
    span = 19 * 3600
    c.executemany(
        "INSERT INTO checkins (venue_id, number, companions, sent_at, received_at,"
        " checked_out_at, channel, inbound_id) VALUES (?, ?, 0, ?, ?, ?, 'test', NULL)",
        ((busy_vid, "+8491%07d" % ((i * 7919) % 200000), start + i * span // rows,
          start + i * span // rows + 2, start + i * span // rows + 60)
         for i in range(rows)))
    c.executemany(
        "INSERT INTO checkins (venue_id, number, companions, sent_at, received_at,"
        " checked_out_at, channel, inbound_id) VALUES (?, ?, 0, ?, ?, ?, 'test', NULL)",
        ((busy_vid, PERSON, start + 1800 + k * (span - 3600) // person_stays,
          start + 1800 + k * (span - 3600) // person_stays + 2,
          start + 1800 + k * (span - 3600) // person_stays + 90)
         for k in range(person_stays)))


def q(**kw):
    return "&".join("%s=%s" % (k, urllib.parse.quote(str(v))) for k, v in kw.items())


class StallTest(harness.AdminCase):

    # What is measured is whether a check-in waits for the officials'
    # reads, not for the disk's fsync behind other processes' writes.
    extra = "default_stay = 7200;\ndurability = \"normal\";\n"
    # A sanitizer build on a loaded machine reads slowly: no read may time out.
    admin_extra = "query_timeout = 3600;"

    def venues(self):
        self.busy = self.d.add_venue("Cho Dong Xuan", "Dong Xuan")
        self.cafe = self.d.add_venue("Cafe Giang", "Hang Bac")
        self.now = int(time.time())
        c = self.db_write()
        c.execute("BEGIN IMMEDIATE")
        fill_busy(c, self.d.venue_id(self.busy), self.now, BUSY_ROWS, 20)
        c.execute("COMMIT")
        c.close()

    def test_reads_never_stall_checkins(self):
        d = self.d
        lat, bad = [], []
        stop = threading.Event()
        load = [harness.busy()]

        def residents():
            n = 0
            while not stop.is_set():
                n += 1
                a = time.monotonic()
                st, replies = d.json_sms("09%08d" % (11000000 + n), self.cafe)
                lat.append((time.monotonic() - a) * 1000.0)
                if st != 200:
                    bad.append((st, replies))
                load[0] = max(load[0], harness.busy())
                left = CHECKIN_EVERY - (time.monotonic() - a)
                if left > 0:
                    time.sleep(left)

        frm, to = harness.iso(self.now - DAY), harness.iso(self.now + 60)
        reads = {
            "contacts": ("/api/trace/contacts?" + q(number=PERSON, **{"from": frm, "to": to}),
                         "tracer1"),
            "export": ("/api/trace/venue?" + q(code=self.busy, format="csv",
                                               **{"from": frm, "to": to}), "tracer1"),
            "wards": ("/api/reports/wards?" + q(**{"from": harness.iso(self.now - 28 * DAY),
                                                    "to": to}), "admin1"),
            "inactive": ("/api/reports/inactive?days=7", "admin1"),
            "dashboard": ("/dashboard?days=28", "admin1"),
        }
        answers = {}

        def official(name, path, who):
            a = time.monotonic()
            st, h, b = d.admin_http("GET", path, who=who, timeout=harness.stretch(120))
            answers[name] = (st, h, b, time.monotonic() - a)

        t = threading.Thread(target=residents)
        t.start()
        try:
            time.sleep(0.5)
            officials = [threading.Thread(target=official, args=(k,) + v)
                         for k, v in reads.items()]
            for o in officials:
                o.start()
            for o in officials:
                o.join(harness.stretch(180))
            time.sleep(0.3)
        finally:
            stop.set()
            t.join(harness.stretch(30))

        for name, (st, h, b, secs) in sorted(answers.items()):
            print("readers: %s -> %d, %d bytes in %.2f s" % (name, st, len(b), secs))
        s = sorted(lat)
        print("readers: %d check-ins while reading: p50 %.1f ms, p99 %.1f ms, max %.1f ms; "
              "load %.1f per CPU at most"
              % (len(s), s[len(s) // 2], s[min(len(s) - 1, int(len(s) * 0.99))], s[-1],
                 load[0]))
        self.assertEqual(bad, [])
        self.assertEqual(sorted(answers), sorted(reads))
        for name, (st, h, b, secs) in answers.items():
            self.assertEqual(st, 200, "%s -> %d %r" % (name, st, b[:200]))
        # The export holds every stay of the window: the busy rows and the person's.
        lines = answers["export"][2].decode("utf-8").split("\r\n")
        self.assertEqual(len([x for x in lines if x]) - 1, BUSY_ROWS + 20)
        # Each personal read has its audit row, with the rows it returned.
        audit = dict(d.query("SELECT action, records FROM audit"))
        self.assertEqual(audit.get("trace.venue"), BUSY_ROWS + 20, audit)
        self.assertIn("trace.contacts", audit)
        self.assertIn("report.inactive", audit)
        self.assertGreater(len(s), 50, "too few check-ins to measure")
        self.assertLess(s[-1], harness.stretch(CHECKIN_LIMIT_MS, load[0]),
                        "a check-in waited %.1f ms while officials read (load %.1f)"
                        % (s[-1], load[0]))


class QueueTest(harness.AdminCase):

    extra = "default_stay = 7200;\n"
    admin_extra = "readers = 1;\n  query_timeout = 1;"

    def venues(self):
        self.busy = self.d.add_venue("Cho Dong Xuan", "Dong Xuan")
        self.now = int(time.time())
        c = self.db_write()
        c.execute("BEGIN IMMEDIATE")
        fill_busy(c, self.d.venue_id(self.busy), self.now, BUSY_ROWS, HEAVY_STAYS)
        c.execute("COMMIT")
        c.close()

    def heavy(self):
        return "/api/trace/contacts?" + q(number=PERSON, **{
            "from": harness.iso(self.now - DAY), "to": harness.iso(self.now + 60)})

    def test_query_timeout(self):
        d = self.d
        a = time.monotonic()
        st, h, b = d.admin_http("GET", self.heavy(), who="tracer1",
                                timeout=harness.stretch(60))
        secs = time.monotonic() - a
        text = b.decode("utf-8")
        print("readers: a huge contacts trace -> %d in %.2f s: %r" % (st, secs, text))
        self.assertEqual(st, 503, text[:200])
        self.assertIn("query_timeout", text)
        self.assertEqual(text.count("\n"), 1, text)
        # Interrupted: no audit row, and the reader takes the next read.
        self.assertEqual(d.count("audit"), 0)
        st, rows = d.admin_json("GET", "/api/reports/wards?" + q(**{
            "from": harness.iso(self.now - DAY), "to": harness.iso(self.now + 60)}))
        self.assertEqual(st, 200, rows)
        self.assertTrue(d.alive())

    def test_queue_full(self):
        d = self.d
        got = []

        def ask(who):
            st, h, b = d.admin_http("GET", self.heavy(), who=who,
                                    timeout=harness.stretch(60))
            got.append((who, st, b.decode("utf-8")))

        # One read runs (its query lasts the 1 s timeout), three wait: the
        # token's four.
        mine = [threading.Thread(target=ask, args=("tracer1",)) for i in range(4)]
        for t in mine:
            t.start()
        time.sleep(0.3)
        st, h, b = d.admin_http("GET", self.heavy(), who="tracer1")
        print("readers: a fifth read of one token -> %d %r retry-after %s"
              % (st, b, h.get("retry-after")))
        self.assertEqual(st, 429, b)
        self.assertIn("this token", b.decode("utf-8"))
        self.assertTrue(h.get("retry-after", "").isdigit(), h)
        # Another token's read takes the last place of the queue (1 + 4)...
        other = threading.Thread(target=ask, args=("admin1",))
        other.start()
        time.sleep(0.3)
        # ...and its next finds the queue full.
        st, h, b = d.admin_http("GET", self.heavy(), who="admin1")
        print("readers: past the queue -> %d %r retry-after %s"
              % (st, b, h.get("retry-after")))
        self.assertEqual(st, 429, b)
        self.assertIn("too many reads", b.decode("utf-8"))
        self.assertTrue(h.get("retry-after", "").isdigit(), h)
        for t in mine + [other]:
            t.join(harness.stretch(60))
        # Those queued were each run, and each interrupted at its deadline.
        self.assertEqual(len(got), 5, got)
        for who, st, text in got:
            self.assertEqual(st, 503, (who, text))
            self.assertIn("query_timeout", text)
        m = d.metrics()
        self.assertEqual(m.get(("checkind_admin_requests_total", frozenset(
            [("path", "/api/trace/contacts"), ("status", "429")]))), 2.0)


class AggregatesTest(harness.AdminCase):

    extra = ("retention_days = 28;\nmax_delay = 604800;\n"
             "limits = { messages_per_minute = 0; replies_per_hour = 0; repeats = 0; };\n")

    def venues(self):
        self.v = {
            "pho": self.d.add_venue("Pho Thin", "Hang Bac"),
            "cafe": self.d.add_venue("Cafe Giang", "Hang Bac"),
            "bun": self.d.add_venue("Bun Cha", "Hang Gai"),
            "xoi": self.d.add_venue("Xoi Yen", "Hang Gai"),
        }

    def raw(self, day):
        """{ward: (venues_used, checkins, distinct numbers)} of one local day."""
        rows = self.d.query(
            "SELECT v.ward, count(DISTINCT c.venue_id), count(*),"
            " count(DISTINCT c.number) FROM checkins c JOIN venues v"
            " ON v.id = c.venue_id WHERE c.sent_at >= ? AND c.sent_at < ?"
            " GROUP BY v.ward", (day, day + DAY))
        out = {w: (0, 0, 0) for (w,) in self.d.query(
            "SELECT DISTINCT ward FROM venues WHERE active = 1")}
        out.update({r[0]: tuple(r[1:]) for r in rows})
        return out

    def report(self, frm, to):
        st, rows = self.d.admin_json("GET", "/api/reports/wards?" + q(**{
            "from": harness.iso(frm), "to": harness.iso(to)}), who="tracer1")
        self.assertEqual(st, 200, rows)
        return {r["ward"]: (int(r["venues_used"]), int(r["checkins"]),
                            int(r["visitors"])) for r in rows}

    def test_aggregates_equal_raw_counts(self):
        today = harness.local_midnight(0)
        days = [today - 3 * DAY, today - 2 * DAY, today]
        # (day index, venue, number): the same person at two venues of a
        # ward the same day, in both wards, on two days. (Twice at one
        # venue within duplicate_window of receiving is a repeat, not stored.)
        plan = [
            (0, "pho", "0912000001"), (0, "cafe", "0912000001"), (0, "pho", "0912000002"),
            (0, "bun", "0912000001"), (0, "bun", "0912000003"), (0, "pho", "0912000004"),
            (1, "cafe", "0912000001"), (1, "pho", "0912000005"), (1, "xoi", "0912000005"),
            (1, "bun", "0912000005"), (1, "cafe", "0912000002"),
            (2, "cafe", "0912000006"), (2, "pho", "0912000006"),
        ]
        seen = {}
        for k, (di, venue, number) in enumerate(plan):
            # Hours apart, so that none is a repeat of the one before.
            hour = 8 + seen.setdefault((di, number), 0)
            seen[(di, number)] += 1
            at = days[di] + hour * 3600 + k * 60
            if at > time.time() - 60:
                at = int(time.time()) - 60 * (len(plan) - k)
            # Just after local midnight, minutes back would be yesterday.
            at = max(at, days[di] + k)
            st, replies = self.d.json_sms(number, self.v[venue], sent_at=at)
            self.assertEqual(st, 200, replies)
        self.assertEqual(self.d.count("checkins"), len(plan), self.d.query(
            "SELECT v.name, c.number, c.sent_at FROM checkins c"
            " JOIN venues v ON v.id = c.venue_id ORDER BY c.id"))
        self.assertEqual(self.d.count("checkins", "sent_at < ?", (today,)),
                         sum(1 for p in plan if p[0] < 2), "a time stamp was not kept")

        raw = {day: self.raw(day) for day in days}
        for day in days:
            self.assertEqual(self.report(day, day + DAY), raw[day], harness.iso(day))
        period = {}
        for day in days:
            for ward, (used, n, people) in raw[day].items():
                u, c, p = period.get(ward, (set(), 0, 0))
                u |= {r[0] for r in self.d.query(
                    "SELECT DISTINCT c.venue_id FROM checkins c JOIN venues v"
                    " ON v.id = c.venue_id WHERE v.ward = ? AND c.sent_at >= ?"
                    " AND c.sent_at < ?", (ward, day, day + DAY))}
                period[ward] = (u, c + n, p + people)
        want = {w: (len(u), c, p) for w, (u, c, p) in period.items()}
        self.assertEqual(self.report(days[0], today + DAY), want)

        # The purge of the two old days: their rows go, the figures stay.
        p = subprocess.run([self.d.checkinctl, "-d", self.d.dbpath, "purge",
                            "--before", harness.iso(today - DAY)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=harness.stretch(60))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.d.count("checkins", "sent_at < ?", (today,)), 0)
        self.assertEqual(self.d.count("daily_seen", "day < ?", (today,)), 0)
        self.assertEqual(self.d.count("checkins"), 2)
        for day in days:
            self.assertEqual(self.report(day, day + DAY), raw[day], harness.iso(day))
        self.assertEqual(self.report(days[0], today + DAY), want)


if __name__ == "__main__":
    harness.main(600)

"""Retention on PostgreSQL: check-ins, inbound messages and daily_seen in day
partitions (src/store/pg-schema.c, step 11), whole days dropped by the purge,
the rest deleted row by row, the aggregates kept.

Starts its own cluster (tests/pgserver.py); skipped where PostgreSQL 15 is
not installed.

- The days from yesterday to three days ahead exist once the schema is
  made; a check-in lands in its day.
- Old days made by hand (as days the nodes made weeks ago), filled with
  many rows, plus old rows in the default partition and young rows: the
  purge drops the old days whole (their tables are gone, not emptied),
  deletes the default partition's old rows, keeps the young rows and every
  aggregate, and reports the exact count. Check-ins are answered while it
  runs: dropping a day locks its table for a moment, and a check-in whose
  statement waits past the daemon's lock_timeout gets a 503, sent again
  (counted and printed).
"""

import re
import time
import unittest

import harness
from harness import NO_QUESTIONS, stretch, wait_until

DAY = 86400
RETENTION = 28
# A check-in answered 503 (a lock the purge holds longer than the daemon's
# statements wait) is sent again, as an aggregator does, up to so many times.
RETRIES_503 = 20
# Rows a day in the old days: enough that deleting them row by row would
# show (the figure is printed, not asserted: a benchmark's job).
OLD_ROWS = 100000
PARTITIONED = (("checkins", "sent_at"), ("inbound", "received_at"),
               ("daily_seen", "day"))
PURGE_RE = re.compile(r"purge: deleted=(\d+) chunks=(\d+) longest_ms=([\d.]+)"
                      r".*?rows_per_s=(\d+)")


def setUpModule():
    global SERVER
    SERVER = harness.pg_server()


def days(uri, table):
    """The day numbers of table's partitions."""
    return sorted(int(r[0][len(table) + 2:]) for r in SERVER.sql(
        uri, "SELECT c.relname FROM pg_inherits i JOIN pg_class c"
        " ON c.oid = i.inhrelid WHERE i.inhparent = '%s'::regclass"
        " AND c.relname ~ '^%s_d[0-9]+$'" % (table, table)))


def scalar(uri, sql):
    return int(SERVER.sql(uri, sql)[0][0])


class DaysTest(unittest.TestCase):

    def daemon(self, **kw):
        self.uri = SERVER.create_database("test_pg_purge_%d_%d"
                                          % (id(self) % 100000, int(time.time() * 1000) % 100000))
        d = harness.Daemon(database=self.uri, name=type(self).__name__,
                           questions=NO_QUESTIONS, **kw)
        d.__enter__()
        self.addCleanup(d.__exit__, None, None, None)
        self.addCleanup(lambda: d.alive() and d.stop())
        return d

    def test_days_made(self):
        d = self.daemon()
        code = d.add_venue("Pho Thin", "Hang Bac")
        d.start()
        d.wait_started()
        today = int(time.time()) // DAY
        for table, _ in PARTITIONED:
            self.assertTrue(set(range(today - 1, today + 4)) <= set(days(self.uri, table)),
                            (table, today, days(self.uri, table)))
        st, replies = d.json_sms("0912000111", code)
        self.assertEqual(st, 200, replies)
        where = SERVER.sql(self.uri, "SELECT tableoid::regclass FROM checkins")
        self.assertEqual(where, [["checkins_d%d" % today]])
        where = SERVER.sql(self.uri, "SELECT DISTINCT tableoid::regclass FROM inbound")
        self.assertEqual(where, [["inbound_d%d" % today]])

    def test_whole_days_dropped(self):
        d = self.daemon(extra="retention_days = %d;\npurge = { interval = 3600; };\n"
                        % RETENTION)
        code = d.add_venue("Pho Thin", "Hang Bac")
        vid = scalar(self.uri, "SELECT id FROM venues")
        now = int(time.time())
        today = now // DAY
        old_days = [today - RETENTION - 5, today - RETENTION - 4]
        empty_day = today - RETENTION - 6
        # The old days, as the nodes would have made them then; one empty.
        for day in [empty_day] + old_days:
            for table, _ in PARTITIONED:
                SERVER.sql(self.uri, "CREATE TABLE %s_d%d PARTITION OF %s FOR VALUES"
                           " FROM (%d) TO (%d)" % (table, day, table, day * DAY,
                                                   (day + 1) * DAY))
        young_at = now - 3600
        default_old = (today - RETENTION - 2) * DAY + 600   # no day made: default
        SERVER.sql(self.uri, """
            INSERT INTO inbound (channel, ext_id, number, text, received_at, replies)
              SELECT 'test', 'old-' || d || '-' || i, '+849100' || lpad(i::text, 6, '0'),
                     'x', d * 86400 + i %% 86400, '[]'
              FROM unnest(ARRAY[%(d0)d, %(d1)d]) AS d, generate_series(1, %(n)d) AS i;
            INSERT INTO checkins (venue_id, number, companions, sent_at, received_at, channel)
              SELECT %(vid)d, '+849100' || lpad(i::text, 6, '0'), 0,
                     d * 86400 + i %% 86400, d * 86400 + i %% 86400, 'test'
              FROM unnest(ARRAY[%(d0)d, %(d1)d]) AS d, generate_series(1, %(n)d) AS i;
            INSERT INTO daily_seen (day, ward, number)
              SELECT d * 86400 + 3600, 'Hang Bac', '+849100' || lpad(i::text, 6, '0')
              FROM unnest(ARRAY[%(d0)d, %(d1)d]) AS d, generate_series(1, %(n)d) AS i;
            INSERT INTO checkins (venue_id, number, companions, sent_at, received_at, channel)
              SELECT %(vid)d, '+849101' || lpad(i::text, 6, '0'), 0, %(dold)d + i,
                     %(dold)d + i, 'test' FROM generate_series(1, 500) AS i;
            INSERT INTO checkins (venue_id, number, companions, sent_at, received_at, channel)
              SELECT %(vid)d, '+849102' || lpad(i::text, 6, '0'), 0, %(young)d + i,
                     %(young)d + i, 'test' FROM generate_series(1, 300) AS i;
            INSERT INTO daily_stats (venue_id, day, checkins, people)
              SELECT %(vid)d, d * 86400, %(n)d, %(n)d
              FROM unnest(ARRAY[%(d0)d, %(d1)d]) AS d;
            INSERT INTO ward_days (day, ward, visitors)
              SELECT d * 86400, 'Hang Bac', %(n)d FROM unnest(ARRAY[%(d0)d, %(d1)d]) AS d;
            """ % dict(d0=old_days[0], d1=old_days[1], n=OLD_ROWS,
                                            vid=vid, dold=default_old, young=young_at))
        old = 2 * OLD_ROWS * 3 + 500
        self.assertEqual(scalar(self.uri, "SELECT count(*) FROM ONLY checkins_default"), 500)
        self.assertEqual(scalar(self.uri, "SELECT count(*) FROM checkins"), 2 * OLD_ROWS + 800)

        d.start()
        d.wait_started()
        # Check-ins are answered while the purge runs.
        answered = retried = 0
        slowest = 0.0
        end = time.monotonic() + stretch(60)
        line = None
        while line is None:
            t0 = time.monotonic()
            for _ in range(RETRIES_503):
                st, replies = d.json_sms("09130%05d" % answered, code,
                                         id="c-%d" % answered)
                if st != 503:
                    break
                retried += 1
                time.sleep(0.1)
            slowest = max(slowest, time.monotonic() - t0)
            self.assertEqual(st, 200, "%s; log:\n%s" % (replies, harness.tail(d.logpath)))
            answered += 1
            line = PURGE_RE.search(d.log())
            if time.monotonic() > end:
                self.fail("no purge line; log:\n%s" % harness.tail(d.logpath))
        deleted, chunks, longest, rate = (int(line.group(1)), int(line.group(2)),
                                          float(line.group(3)), int(line.group(4)))
        print("\npg purge: deleted=%d in %d chunks, longest %.1f ms, %d rows/s "
              "(the daemon's figure); %d check-ins answered meanwhile, the slowest "
              "in %.1f ms, %d answers 503 sent again" % (deleted, chunks, longest, rate,
                                                         answered, slowest * 1000, retried))
        self.assertEqual(deleted, old)
        for table, _ in PARTITIONED:
            for day in [empty_day] + old_days:
                self.assertNotIn(day, days(self.uri, table),
                                 "%s_d%d emptied, not dropped" % (table, day))
        self.assertEqual(scalar(self.uri, "SELECT count(*) FROM checkins WHERE sent_at < %d"
                                % (now - RETENTION * DAY)), 0)
        self.assertEqual(scalar(self.uri, "SELECT count(*) FROM inbound WHERE received_at < %d"
                                % (now - RETENTION * DAY)), 0)
        self.assertEqual(scalar(self.uri, "SELECT count(*) FROM checkins WHERE number"
                                " LIKE '+849102%%'"), 300)
        self.assertEqual(scalar(self.uri, "SELECT count(*) FROM daily_stats"), 2 + 1)
        self.assertEqual(scalar(self.uri, "SELECT sum(visitors) FROM ward_days"
                                " WHERE day < %d" % (today * DAY - DAY)), 2 * OLD_ROWS)
        self.assertEqual(scalar(self.uri, "SELECT count(*) FROM checkins WHERE number"
                                " LIKE '+849130%%'"), answered)


if __name__ == "__main__":
    harness.main(600)

#!/usr/bin/env python3
"""Fill a checkind database with ROWS check-ins fast, for `scripts/bench grow`.

    tests/bench/fill.py DATABASE ROWS

Not through HTTP: rows are generated inside SQLite by a recursive CTE,
at most 1,000,000 to a transaction, with PRAGMA synchronous = OFF and
journal_mode = OFF during the fill only (journal_mode goes back to WAL at
the end; synchronous is per connection). The rows go into SQLite's day
tables (schema step 12, tests/days.py): checkins_d<N> and inbound_d<N> of
each UTC day N filled, made here as the daemon makes them when missing,
ids (N << 32) + k after what a day holds already. The indexes of those
tables are dropped first and built again at the end with their own
definitions, read from the schema (sorting once beats inserting 10 M keys
one by one). The database must already have its schema and venues
(checkinctl venue import), and no daemon may have it open: the daemon
builds its views over the day tables when it starts.

What a row is, as the daemon would have stored it for an SMS check-in:

- one `inbound` row (channel "fill", ext_id "fill-NNNNNNNNNN", the number,
  the venue code as text, a confirmation as replies) and one `checkins` row
  pointing at it, so both tables and all their indexes grow as in service;
- sent_at spread evenly from 28 days less two hours ago (inside
  retention_days, so the daemon's purge finds nothing) to an hour ago, in
  time order (the order the daemon appends in); received_at 0..4 s later,
  in the same UTC day (the inbound row sits in its check-in's day);
- the venue picked by a multiplicative hash of the row number, uniform over
  the active venues;
- the number one of ROWS / 10 people (each checks in about 10 times in the
  28 days), +8498 and 7 digits;
- 60% checked out 10 to 100 minutes later, the rest open; 1 in 20 with one
  companion.

The numbers checkin.lua sends (09 and 8 digits, +849 and 8 digits once
normalised) can meet a filled one, as a returning visitor would: the daemon
then closes that number's open stay. It is never a repeat (the filled rows
end an hour before now, duplicate_window is 10 minutes), so every 200 answer
is still one new row.

daily_stats is filled consistently: per venue and local day
(Asia/Ho_Chi_Minh, UTC+7 without DST, as the benchmark's configuration
says), check-ins and distinct numbers, added to what is there.
No declarations, answers or sessions: the benchmark asks no questions.
"""

import os
import sqlite3
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import days  # noqa: E402  (tests/days.py)

CHUNK = 1000000
DAYS = 28
TZ_OFFSET = 7 * 3600            # Asia/Ho_Chi_Minh: UTC+7, no DST since 1975
REPLY = ('["Da check-in tai Cua hang Bench, Hang Bac, luc 08:15 16/09. '
         'Ra ve nhan RA."]')

# Per row i (lo <= i < hi): h scatters i over 2^31 - 1 (48271 is the MINSTD
# multiplier); venue and person come from h, times from i. received_at
# stays before dayend, the end of the row's UTC day.
ROWS_SQL = """
WITH RECURSIVE s(i) AS (SELECT :lo UNION ALL SELECT i + 1 FROM s WHERE i + 1 < :hi),
r AS (SELECT i, (i * 48271 + 11) % 2147483647 AS h,
             :start + (i * :span) / :rows AS t FROM s)
SELECT r.i AS i, v.id AS venue_id, v.code AS code,
       '+8498' || printf('%07d', (r.h * 69621) % 2147483647 % :people) AS number,
       r.t AS sent_at, min(r.t + r.h % 5, :dayend - 1) AS received_at,
       CASE WHEN (r.h / 7) % 10 < 6 THEN r.t + 600 + r.h % 5400 END AS checked_out,
       CASE WHEN r.h % 20 = 0 THEN 1 ELSE 0 END AS companions
FROM r JOIN fill_venues v ON v.idx = r.h % :nvenues
"""


def first_row(t, start, span, rows):
    """The first row i whose time start + i * span // rows is t or later."""
    return min(rows, max(0, -(-(t - start) * rows // span)))


def day_base(db, table, n):
    """The id after which day n's rows of table go: (n << 32) + the last k."""
    got = db.execute("SELECT max(id) FROM %s" % days.day_table(table, n)).fetchone()[0]
    return days.day_id(n, 0) if got is None else got


def fill(path, rows):
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA synchronous = OFF")
    mode = db.execute("PRAGMA journal_mode = OFF").fetchone()[0]
    if mode.lower() != "off":
        sys.exit("fill.py: cannot turn the journal off (%s): is the "
                 "daemon still running?" % mode)
    db.execute("PRAGMA cache_size = -1048576")       # 1 GiB: indexes stay hot
    db.execute("PRAGMA temp_store = MEMORY")
    db.execute("CREATE TEMP TABLE fill_venues "
               "(idx INTEGER PRIMARY KEY, id INTEGER, code TEXT)")
    db.execute("INSERT INTO fill_venues (idx, id, code) "
               "SELECT row_number() OVER (ORDER BY id) - 1, id, code "
               "FROM venues WHERE active")
    nvenues = db.execute("SELECT count(*) FROM fill_venues").fetchone()[0]
    if nvenues == 0:
        sys.exit("fill.py: no active venues in %s" % path)

    people = max(rows // 10, 1)
    # From retention (28 days) less two hours ago to an hour ago: the
    # daemon's purge must find nothing to delete while the benchmark runs.
    end = int(time.time()) - 3600
    span = DAYS * 86400 - 3 * 3600
    start = end - span
    filled = list(range(days.day_of(start), days.day_of(end) + 1))
    for table in ("checkins", "inbound"):
        days.make_days(db, table, filled[0], filled[-1])
    base = {(t, n): day_base(db, t, n) for t in ("checkins", "inbound") for n in filled}
    names = [days.day_table(t, n) for t, n in base]

    # Indexes are built once at the end, by sorting, rather than row by
    # row: the same names and definitions, read from the schema.
    indexes = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND"
        " tbl_name IN (%s) AND sql IS NOT NULL" % ", ".join("?" * len(names)),
        names).fetchall()
    t0 = time.monotonic()
    for name, _ in indexes:
        db.execute('DROP INDEX "%s"' % name.replace('"', '""'))
    done = 0
    for n in filled:
        dlo = first_row(days.day_start(n), start, span, rows)
        dhi = first_row(days.day_start(n + 1), start, span, rows)
        for lo in range(dlo, dhi, CHUNK):
            hi = min(lo + CHUNK, dhi)
            params = {"lo": lo, "hi": hi, "start": start, "span": span, "rows": rows,
                      "people": people, "nvenues": nvenues,
                      "dayend": days.day_start(n + 1), "reply": REPLY,
                      "ibase": base[("inbound", n)] - dlo,
                      "cbase": base[("checkins", n)] - dlo}
            db.execute("BEGIN")
            db.execute(
                "INSERT INTO %s (id, channel, ext_id, number, text,"
                " received_at, replies) SELECT :ibase + 1 + i, 'fill',"
                " printf('fill-%%010d', i), number, code, received_at, :reply"
                " FROM (%s)" % (days.day_table("inbound", n), ROWS_SQL), params)
            db.execute(
                "INSERT INTO %s (id, venue_id, number, companions, sent_at,"
                " received_at, checked_out_at, channel, inbound_id)"
                " SELECT :cbase + 1 + i, venue_id, number, companions, sent_at,"
                " received_at, checked_out, 'fill', :ibase + 1 + i FROM (%s)"
                % (days.day_table("checkins", n), ROWS_SQL), params)
            db.execute("COMMIT")
            done += hi - lo
            el = time.monotonic() - t0
            print("fill: %d/%d rows (day %d), %.0f s, %.0f rows/s"
                  % (done, rows, n, el, done / el), file=sys.stderr, flush=True)

    for name, sql in indexes:
        db.execute(sql)
        print("fill: index %s, %.0f s" % (name, time.monotonic() - t0),
              file=sys.stderr, flush=True)

    # The rows filled now, for the aggregates: every day table's new rows.
    db.execute("CREATE TEMP VIEW fill_checkins AS %s" % " UNION ALL ".join(
        "SELECT * FROM %s WHERE id > %d" % (days.day_table("checkins", n),
                                            base[("checkins", n)]) for n in filled))
    db.execute("BEGIN")
    db.execute(
        "INSERT INTO daily_stats (venue_id, day, checkins, people)"
        " SELECT venue_id, day, count(*), count(DISTINCT number) FROM"
        " (SELECT venue_id, ((sent_at + ?1) / 86400) * 86400 - ?1 AS day,"
        " number FROM fill_checkins)"
        " WHERE true GROUP BY venue_id, day"
        " ON CONFLICT (venue_id, day) DO UPDATE SET"
        " checkins = checkins + excluded.checkins,"
        " people = people + excluded.people", (TZ_OFFSET,))
    db.execute("COMMIT")
    if db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'ward_days'"
                  ).fetchone()[0]:
        fill_wards(db)
    db.execute("DROP VIEW fill_checkins")
    db.execute("PRAGMA journal_mode = WAL")
    db.close()
    print("fill: %d rows in %d day tables and daily_stats in %.0f s"
          % (rows, len(filled), time.monotonic() - t0), file=sys.stderr, flush=True)


def fill_wards(db):
    """The aggregates of migration 7 (src/store/sqlite-aggregates.c): the
    visitors of each ward and local day (ward_days), and who was first seen
    where (daily_seen) for the last two days, the only ones a new check-in
    still counts in; added to what is there."""
    t0 = time.monotonic()
    day = "((c.sent_at + ?1) / 86400) * 86400 - ?1"
    db.execute("BEGIN")
    db.execute(
        "INSERT INTO ward_days (day, ward, visitors)"
        " SELECT day, ward, count(DISTINCT number) FROM"
        " (SELECT " + day + " AS day, v.ward AS ward, c.number AS number"
        " FROM fill_checkins c JOIN venues v ON v.id = c.venue_id)"
        " WHERE true GROUP BY day, ward"
        " ON CONFLICT (day, ward) DO UPDATE SET"
        " visitors = visitors + excluded.visitors", (TZ_OFFSET,))
    db.execute(
        "INSERT OR IGNORE INTO daily_seen (day, ward, number)"
        " SELECT " + day + ", v.ward, c.number FROM fill_checkins c"
        " JOIN venues v ON v.id = c.venue_id WHERE c.sent_at >= ?2",
        (TZ_OFFSET, int(time.time()) - 2 * 86400))
    db.execute("COMMIT")
    print("fill: ward_days and daily_seen in %.0f s" % (time.monotonic() - t0),
          file=sys.stderr, flush=True)


def main():
    if len(sys.argv) != 3 or not sys.argv[2].isdigit():
        sys.exit("usage: fill.py DATABASE ROWS")
    fill(sys.argv[1], int(sys.argv[2]))


if __name__ == "__main__":
    main()

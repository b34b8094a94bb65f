#!/usr/bin/env python3
"""Fill a checkind database with ROWS check-ins fast, for `scripts/bench grow`.

    tests/bench/fill.py DATABASE ROWS

Not through HTTP: rows are generated inside SQLite by a recursive CTE,
1,000,000 to a transaction, with PRAGMA synchronous = OFF and
journal_mode = OFF during the fill only (journal_mode goes back to WAL at
the end; synchronous is per connection). The indexes of checkins and
inbound are dropped first and built again at the end with their own
definitions, read from the schema (sorting once beats inserting 10 M keys
one by one). The database must already have its schema and venues
(checkinctl venue import), and no daemon may have it open.

What a row is, as the daemon would have stored it for an SMS check-in:

- one `inbound` row (channel "fill", ext_id "fill-NNNNNNNNNN", the number,
  the venue code as text, a confirmation as replies) and one `checkins` row
  pointing at it, so both tables and all their indexes grow as in service;
- sent_at spread evenly from 28 days less two hours ago (inside
  retention_days, so the daemon's purge finds nothing) to an hour ago, in
  time order (the order the daemon appends in); received_at 0..4 s later;
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

import sqlite3
import sys
import time

CHUNK = 1000000
DAYS = 28
TZ_OFFSET = 7 * 3600            # Asia/Ho_Chi_Minh: UTC+7, no DST since 1975
REPLY = ('["Da check-in tai Cua hang Bench, Hang Bac, luc 08:15 16/09. '
         'Ra ve nhan RA."]')

# Per row i: h scatters i over 2^31 - 1 (48271 is the MINSTD multiplier);
# venue and person come from h, times from i.
ROWS_SQL = """
WITH RECURSIVE s(i) AS (SELECT ?1 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < ?2),
r AS (SELECT i, (i * 48271 + 11) % 2147483647 AS h,
             ?3 + (i * ?4) / ?5 AS t FROM s)
SELECT r.i AS i, v.id AS venue_id, v.code AS code,
       '+8498' || printf('%07d', (r.h * 69621) % 2147483647 % ?6) AS number,
       r.t AS sent_at, r.t + r.h % 5 AS received_at,
       CASE WHEN (r.h / 7) % 10 < 6 THEN r.t + 600 + r.h % 5400 END AS checked_out,
       CASE WHEN r.h % 20 = 0 THEN 1 ELSE 0 END AS companions
FROM r JOIN fill_venues v ON v.idx = r.h % ?7
"""


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
    ibase = db.execute("SELECT coalesce(max(id), 0) FROM inbound").fetchone()[0]
    cbase = db.execute("SELECT coalesce(max(id), 0) FROM checkins").fetchone()[0]
    params_tail = (start, span, rows, people, nvenues)

    # Indexes are built once at the end, by sorting, rather than row by
    # row: the same names and definitions, read from the schema.
    indexes = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND"
        " tbl_name IN ('checkins', 'inbound') AND sql IS NOT NULL").fetchall()
    t0 = time.monotonic()
    for name, _ in indexes:
        db.execute('DROP INDEX "%s"' % name.replace('"', '""'))
    for lo in range(0, rows, CHUNK):
        hi = min(lo + CHUNK, rows)
        params = (lo, hi) + params_tail
        db.execute("BEGIN")
        db.execute(
            "INSERT INTO inbound (id, channel, ext_id, number, text,"
            " received_at, replies) SELECT ?8 + 1 + i, 'fill',"
            " printf('fill-%010d', i), number, code, received_at, ?9"
            " FROM (" + ROWS_SQL + ")", params + (ibase, REPLY))
        db.execute(
            "INSERT INTO checkins (id, venue_id, number, companions, sent_at,"
            " received_at, checked_out_at, channel, inbound_id)"
            " SELECT ?8 + 1 + i, venue_id, number, companions, sent_at,"
            " received_at, checked_out, 'fill', ?9 + 1 + i FROM (" + ROWS_SQL + ")",
            params + (cbase, ibase))
        db.execute("COMMIT")
        el = time.monotonic() - t0
        print("fill: %d/%d rows, %.0f s, %.0f rows/s"
              % (hi, rows, el, hi / el), file=sys.stderr, flush=True)

    for name, sql in indexes:
        db.execute(sql)
        print("fill: index %s, %.0f s" % (name, time.monotonic() - t0),
              file=sys.stderr, flush=True)

    db.execute("BEGIN")
    db.execute(
        "INSERT INTO daily_stats (venue_id, day, checkins, people)"
        " SELECT venue_id, day, count(*), count(DISTINCT number) FROM"
        " (SELECT venue_id, ((sent_at + ?1) / 86400) * 86400 - ?1 AS day,"
        " number FROM checkins WHERE id > ?2)"
        " WHERE true GROUP BY venue_id, day"
        " ON CONFLICT (venue_id, day) DO UPDATE SET"
        " checkins = checkins + excluded.checkins,"
        " people = people + excluded.people", (TZ_OFFSET, cbase))
    db.execute("COMMIT")
    if db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'ward_days'"
                  ).fetchone()[0]:
        fill_wards(db, cbase)
    db.execute("PRAGMA journal_mode = WAL")
    db.close()
    print("fill: %d rows and daily_stats in %.0f s"
          % (rows, time.monotonic() - t0), file=sys.stderr, flush=True)


def fill_wards(db, cbase):
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
        " FROM checkins c JOIN venues v ON v.id = c.venue_id WHERE c.id > ?2)"
        " WHERE true GROUP BY day, ward"
        " ON CONFLICT (day, ward) DO UPDATE SET"
        " visitors = visitors + excluded.visitors", (TZ_OFFSET, cbase))
    db.execute(
        "INSERT OR IGNORE INTO daily_seen (day, ward, number)"
        " SELECT " + day + ", v.ward, c.number FROM checkins c"
        " JOIN venues v ON v.id = c.venue_id WHERE c.id > ?2"
        " AND c.sent_at >= ?3", (TZ_OFFSET, cbase, int(time.time()) - 2 * 86400))
    db.execute("COMMIT")
    print("fill: ward_days and daily_seen in %.0f s" % (time.monotonic() - t0),
          file=sys.stderr, flush=True)


def main():
    if len(sys.argv) != 3 or not sys.argv[2].isdigit():
        sys.exit("usage: fill.py DATABASE ROWS")
    fill(sys.argv[1], int(sys.argv[2]))


if __name__ == "__main__":
    main()

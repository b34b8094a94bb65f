#!/usr/bin/env python3
"""Officials' reads in a loop, for `scripts/bench stall`.

    tests/bench/stall.py --port ADMIN_PORT --token TOKEN --db DATABASE \
        --seconds S --json OUT

For S seconds, two officials ask in turn, back to back: the 28-day ward
report, a 28-day contacts trace of a frequent visitor, a venue-day export
(CSV) of the busiest venue-day, the dashboard over 28 days and the
inactive report. Writes {read: {"n", "p50_ms", "max_ms", "statuses",
"bytes"}} to OUT. The database is read (read-only) once, for the subjects.
"""

import argparse
import json
import sqlite3
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

DAY = 86400
TZ = 7 * 3600


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S+07:00", time.gmtime(t + TZ))


def subjects(db):
    c = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    code, day = c.execute(
        "SELECT v.code, d.day FROM daily_stats d JOIN venues v ON v.id = d.venue_id"
        " ORDER BY d.checkins DESC, d.day DESC LIMIT 1").fetchone()
    # A visitor of the middle of the fill: the middle row of the middle day
    # table (ids are (day << 32) + k, tests/days.py).
    tables = [r[0] for r in c.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB"
        " 'checkins_d[0-9]*' ORDER BY name")]
    rows = [(t, c.execute("SELECT count(*) FROM %s" % t).fetchone()[0]) for t in tables]
    rows = [x for x in rows if x[1] > 0]
    table, n = rows[len(rows) // 2]
    number = c.execute("SELECT number FROM %s ORDER BY id LIMIT 1 OFFSET ?" % table,
                       (n // 2,)).fetchone()[0]
    c.close()
    return code, day, number


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--seconds", type=float, required=True)
    ap.add_argument("--json", required=True)
    a = ap.parse_args()
    code, day, number = subjects(a.db)
    now = int(time.time())
    month = {"from": iso(now - 28 * DAY), "to": iso(now)}
    reads = [
        ("wards_28d", "/api/reports/wards?" + urllib.parse.urlencode(month)),
        ("contacts_28d", "/api/trace/contacts?" + urllib.parse.urlencode(
            dict(month, number=number))),
        ("export_venue_day", "/api/trace/venue?" + urllib.parse.urlencode(
            {"code": code, "from": iso(day), "to": iso(day + DAY), "format": "csv"})),
        ("dashboard_28d", "/dashboard?days=28"),
        ("inactive", "/api/reports/inactive?days=7"),
    ]
    got = {name: [] for name, _ in reads}
    end = time.monotonic() + a.seconds
    lock = threading.Lock()

    def official(k):
        i = k
        while time.monotonic() < end:
            name, path = reads[i % len(reads)]
            i += 1
            req = urllib.request.Request("http://127.0.0.1:%d%s" % (a.port, path),
                                         headers={"Authorization": "Bearer " + a.token})
            t0 = time.monotonic()
            try:
                with urllib.request.urlopen(req, timeout=600) as r:
                    status, size = r.status, len(r.read())
            except urllib.error.HTTPError as e:
                status, size = e.code, len(e.read())
            ms = (time.monotonic() - t0) * 1000.0
            with lock:
                got[name].append((ms, status, size))

    ts = [threading.Thread(target=official, args=(k,)) for k in range(2)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    out = {}
    for name, v in got.items():
        if not v:
            continue
        ms = sorted(x[0] for x in v)
        statuses = {}
        for x in v:
            statuses[str(x[1])] = statuses.get(str(x[1]), 0) + 1
        out[name] = {"n": len(v), "p50_ms": round(ms[len(ms) // 2], 1),
                     "max_ms": round(ms[-1], 1), "statuses": statuses,
                     "bytes": max(x[2] for x in v)}
    with open(a.json, "w") as f:
        json.dump(out, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()

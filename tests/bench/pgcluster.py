"""pgcluster.py: the PostgreSQL 15 cluster of `scripts/bench pg`.

    python3 tests/bench/pgcluster.py URI_FILE

Starts a throwaway cluster (tests/pgserver.py: initdb, fsync on, listening
on 127.0.0.1 only, its folder under TMPDIR), creates the database "bench",
writes its URI to URI_FILE (whole, by a rename) and waits. SIGTERM or
SIGINT stops the cluster and removes its folder; so does the end of this
process in any other way (pgserver's watcher). Exits 1 if PostgreSQL 15
is not installed.
"""

import os
import signal
import sys
import unittest

import pgserver


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: pgcluster.py URI_FILE")
    path = sys.argv[1]
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    signal.signal(signal.SIGINT, lambda *a: sys.exit(0))
    try:
        server = pgserver.PgServer()
    except unittest.SkipTest as e:
        sys.exit("bench: no PostgreSQL: %s" % e)
    uri = server.create_database("bench")
    with open(path + ".tmp", "w") as f:
        f.write(uri + "\n")
    os.rename(path + ".tmp", path)
    while True:
        signal.pause()


if __name__ == "__main__":
    main()

"""Faults over HTTP (issue "Hardening", item 3): the daemon killed, the disk
full, the database locked, an aggregator that hangs.

- kill -9 every 2 s under a 20 s load: every message that got its 200 is
  stored exactly once; a retry of one whose answer was lost is a duplicate,
  not a second row.
- Disk full, three ways: SQLite's max_page_count (max_database_mb = 1), with
  space given back by raising the limit and SIGHUP, or by deleting rows;
  and a real tmpfs filled by a file (root only). While full, webhooks get
  503 and nothing is stored for them; what got 200 before stays; once space
  returns, the same messages sent again get 200 and are stored once.
- The database read by a long `checkinctl` export and by a read
  transaction held open: check-ins keep answering 200 within a second.
  A writer holding BEGIN IMMEDIATE: check-ins answer 503 at once, not hang,
  and their retries succeed after.
- One route's aggregator accepts and never answers for 60 s: another route
  keeps its rate, inline check-ins keep their latency, and the hung route's
  rows are retried and sent once it answers again.

Three faults these tests found are fixed and stay tested: the WAL was never
written back nor bounded while the daemon ran (store.c's checkpointer), a
write lock held by another process stalled the whole event loop for 200 ms
a commit (the loop now waits 20 ms at most), and a daemon started while
another process held the write lock gave up at once.
"""

import errno
import http.client
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import unittest

import fakeagg
import harness
from harness import OUTBOX_SENT, e164

# Inbound routes: one json route with inline replies.
INBOUND = """
  { name = "test"; format = "json"; path = "/sms/json"; reply = "inline"; }
"""


class Client:
    """An aggregator's keep-alive connection to the daemon's webhook."""

    def __init__(self, d, timeout=harness.stretch(10.0)):
        self.d = d
        self.timeout = timeout
        self.c = None

    def close(self):
        if self.c is not None:
            self.c.close()
            self.c = None

    def post(self, frm, text, mid, path="/sms/json"):
        """(status, body bytes); OSError or HTTPException if no answer."""
        body = json.dumps({"from": frm, "to": harness.SHORT, "text": text,
                           "id": mid}).encode()
        if self.c is None:
            self.c = http.client.HTTPConnection("127.0.0.1", self.d.port,
                                                timeout=self.timeout)
        try:
            self.c.request("POST", path, body,
                           {"Content-Type": "application/json"})
            r = self.c.getresponse()
            data = r.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        if (r.getheader("Connection") or "").lower() == "close":
            self.close()
        return r.status, data


def replies(body):
    """The replies list of a 200 json answer."""
    obj = json.loads(body.decode("utf-8"))
    return obj["replies"]


class Base(harness.TestCase):
    """A daemon with one inline json route and no declaration questions:
    one check-in, one request, one reply."""

    extra = ""

    def setUp(self):
        self.d = harness.Daemon(extra=self.extra, inbound=INBOUND,
                                questions=harness.NO_QUESTIONS,
                                name=type(self).__name__)
        self.d.__enter__()
        self.addCleanup(self._cleanup)
        self.prepare()
        self.d.start()

    def prepare(self):
        """Before the daemon starts: venues, fills."""
        self.pho = self.d.add_venue("Pho Thin", "Hang Bac")

    def stored(self, channel="test"):
        """{ext_id: rows} in inbound for the channel."""
        return dict(self.d.query("SELECT ext_id, count(*) FROM inbound WHERE "
                                 "channel = ? GROUP BY ext_id", (channel,)))

    def checkins_by_number(self):
        return dict(self.d.query("SELECT number, count(*) FROM checkins "
                                 "GROUP BY number"))

    def assert_once(self, acked, what=""):
        """Every (id, number) acknowledged is one inbound row and one check-in."""
        ids = self.stored()
        nums = self.checkins_by_number()
        lost = sorted(m for m, n in acked if m not in ids)
        twice = sorted(m for m, n in acked if ids.get(m, 0) > 1)
        no_checkin = sorted(n for m, n in acked if nums.get(e164(n), 0) != 1)
        self.assertEqual(lost, [], "%s%d of %d acknowledged messages lost" % (
            what, len(lost), len(acked)))
        self.assertEqual(twice, [], "%sstored twice" % what)
        self.assertEqual(no_checkin, [], "%snot exactly one check-in" % what)
        self.assertEqual(self.d.integrity_check(), "ok")

    def write_conn(self):
        return sqlite3.connect(self.d.dbpath, timeout=harness.stretch(30),
                               isolation_level=None)

    def hold_write_lock(self, c):
        """Another process's write lock: SQLite's BEGIN IMMEDIATE, or under
        PostgreSQL the tables a check-in writes locked against writers (a
        check-in then waits lock_timeout, the busy timeout, and fails)."""
        c.execute("BEGIN IMMEDIATE")
        if self.d.pg:
            c.execute("LOCK TABLE inbound, checkins, outbox IN SHARE ROW"
                      " EXCLUSIVE MODE")


# kill -9 under load.

class Kill9Load(Base):
    """Several aggregator threads post check-ins with unique ids and retry
    (same id) on a connection error or a 5xx; the daemon is killed with
    SIGKILL every 2 s for 20 s and started again at once."""

    THREADS = 4
    SECONDS = 20
    PERIOD = 2.0

    def test_kill9_every_2s(self):
        lock = threading.Lock()
        acked = []              # (id, number)
        sent = set()            # every id that went out at least once
        bad = []                # 4xx or unexpected answers
        stats = {"attempts": 0, "retried": 0, "errors": 0, "5xx": 0}
        stop = threading.Event()

        def worker(k):
            cl = Client(self.d)
            i = 0
            try:
                while not stop.is_set():
                    mid = "k9-%d-%06d" % (k, i)
                    num = "09%d%07d" % (k + 1, i)
                    i += 1
                    tries = 0
                    end = None
                    while True:
                        tries += 1
                        with lock:
                            sent.add(mid)
                            stats["attempts"] += 1
                            if tries > 1:
                                stats["retried"] += 1
                        try:
                            st, body = cl.post(num, self.pho, mid)
                        except (OSError, http.client.HTTPException):
                            st, body = None, b""
                        if st == 200:
                            r = replies(body)
                            with lock:
                                acked.append((mid, num))
                                if not r or "Pho Thin" not in r[0]:
                                    bad.append((mid, st, r))
                            break
                        with lock:
                            if st is None:
                                stats["errors"] += 1
                            elif st >= 500:
                                stats["5xx"] += 1
                            else:
                                bad.append((mid, st, body))
                        if st is not None and st < 500:
                            break
                        # Once the killing stops, finish this message in
                        # bounded time: the daemon is up for good then.
                        if stop.is_set():
                            if end is None:
                                end = time.monotonic() + harness.stretch(20)
                            elif time.monotonic() > end:
                                with lock:
                                    bad.append((mid, "gave up", None))
                                break
                        time.sleep(0.02)
            finally:
                cl.close()

        threads = [threading.Thread(target=worker, args=(k,))
                   for k in range(self.THREADS)]
        for t in threads:
            t.start()
        restarts = 0
        t0 = time.monotonic()
        try:
            # A kill every PERIOD s on the clock, however long a start takes.
            while (restarts + 1) * self.PERIOD < self.SECONDS:
                time.sleep(max(0.0, t0 + (restarts + 1) * self.PERIOD -
                               time.monotonic()))
                self.d.kill9()
                self.d.start()
                restarts += 1
            time.sleep(max(0.0, t0 + self.SECONDS - time.monotonic()))
        finally:
            stop.set()
            for t in threads:
                t.join(harness.stretch(60))
        self.assertFalse(any(t.is_alive() for t in threads), "a client hangs")
        print("kill -9 every %.0f s for %d s: %d restarts, %d messages sent, "
              "%d acknowledged, %d attempts, %d retries (%d no answer, %d 5xx)"
              % (self.PERIOD, self.SECONDS, restarts, len(sent), len(acked),
                 stats["attempts"], stats["retried"], stats["errors"],
                 stats["5xx"]))
        self.assertEqual(bad, [])
        self.assertEqual(restarts, int(self.SECONDS / self.PERIOD) - 1)
        self.assertGreater(stats["errors"], 0, "no kill hit a request in flight")
        # At least one answer per 0.1 s (stretched) of the killing.
        self.assertGreater(len(acked), restarts * self.PERIOD / harness.stretch(0.1),
                           "the load never got going")
        self.assert_once(acked)
        # Nothing stored that was never sent, and every message sent was
        # finished: the stored rows are exactly the acknowledged ones.
        self.assertEqual(set(self.stored()), set(m for m, n in acked))
        self.assertEqual(len(sent), len(acked))
        self.assertEqual(self.d.count("checkins"), len(acked))


# Disk full.

def fill_filler(d, target_bytes, chunk=200):
    """Add rows of an unused channel to the daemon's database (daemon not
    running or not) until the file holds about target_bytes of pages."""
    c = sqlite3.connect(d.dbpath, timeout=harness.stretch(30), isolation_level=None)
    try:
        psize = c.execute("PRAGMA page_size").fetchone()[0]
        now = int(time.time())
        n = 0
        while c.execute("PRAGMA page_count").fetchone()[0] * psize < target_bytes:
            c.execute("BEGIN IMMEDIATE")
            c.executemany(
                "INSERT INTO inbound (channel, ext_id, number, text, received_at)"
                " VALUES ('filler', ?, '+84900000000', ?, ?)",
                [("filler-%d" % (n + i), "x" * 1000, now) for i in range(chunk)])
            c.execute("COMMIT")
            n += chunk
        return n
    finally:
        c.close()


class DiskFullBase(Base):
    """Send check-ins until the daemon answers 503, then more, all 503.
    SQLite only: what fills is SQLite's file (max_page_count, or the file
    system under it); PostgreSQL's data lives in its own cluster."""

    def setUp(self):
        # max_database_mb is SQLite's max_page_count: the PostgreSQL backend
        # has no such limit (its disk is the cluster's).
        harness.sqlite_only("SQLite's file full (max_database_mb, tmpfs)")
        Base.setUp(self)

    MORE = 20           # messages sent while full, each must get 503
    CAP = 20000         # messages at most before the disk must be full
    # Every message after the first 503 gets 503 too. Not so on a full file
    # system: once a checkpoint has written the WAL back, the next commit
    # rewinds it and reuses its blocks, and some messages go through.
    STRICT = True

    def fill_until_503(self):
        """(acked [(id, number)], refused [(id, number)])."""
        cl = Client(self.d)
        acked, refused = [], []
        try:
            for i in range(self.CAP):
                mid, num = "df-%06d" % i, "0916%06d" % i
                st, body = cl.post(num, self.pho, mid)
                if st == 200:
                    self.assertIn("Pho Thin", replies(body)[0])
                    acked.append((mid, num))
                    continue
                self.assertEqual(st, 503, body)
                refused.append((mid, num))
                break
            self.assertTrue(refused, "%d check-ins and never full" % self.CAP)
            # Full now: further messages are refused, none stored.
            full_at = len(acked)
            base = len(acked) + 1
            t0 = time.monotonic()
            for i in range(base, base + self.MORE):
                mid, num = "df-%06d" % i, "0916%06d" % i
                st, body = cl.post(num, self.pho, mid)
                if st == 200 and not self.STRICT:
                    acked.append((mid, num))
                    continue
                self.assertEqual(st, 503, "message %d after the first 503: %d %r"
                                 % (i - base + 1, st, body))
                self.assertTrue(body.strip())
                refused.append((mid, num))
            took = (time.monotonic() - t0) / self.MORE
        finally:
            cl.close()
        print("%s: full after %d check-ins; then %d refused with 503, %d taken, "
              "%.1f ms each" % (type(self).__name__, full_at, len(refused),
                                len(acked) - full_at, took * 1000))
        self.assertLess(took, harness.stretch(1.0), "503 must be quick")
        self.assert_refused_unstored(refused)
        return acked, refused

    def assert_refused_unstored(self, refused):
        ids = self.stored()
        nums = self.checkins_by_number()
        kept = [m for m, n in refused if m in ids or e164(n) in nums]
        self.assertEqual(kept, [], "stored although answered 503")

    def resend(self, refused):
        """The aggregator's retries, same ids: each must get 200."""
        cl = Client(self.d)
        try:
            for mid, num in refused:
                st, body = cl.post(num, self.pho, mid)
                self.assertEqual(st, 200, "%s after space returned: %d %r" % (
                    mid, st, body))
                self.assertIn("Pho Thin", replies(body)[0])
        finally:
            cl.close()

    def restart_while_full(self, acked, refused):
        """kill -9 while full: it starts again and still refuses (a full
        file system may have room again once the WAL is written back at
        the start: then the retry is taken, and moves to acked)."""
        self.d.kill9()
        self.d.start()
        cl = Client(self.d)
        try:
            mid, num = refused[-1]
            st, body = cl.post(num, self.pho, mid)
        finally:
            cl.close()
        if st == 200 and not self.STRICT:
            acked.append(refused.pop())
            return
        self.assertEqual(st, 503, body)

    def wait_log(self, needle, after, timeout=harness.stretch(10.0)):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.d.log().count(needle) > after:
                return
            time.sleep(0.05)
        self.fail("no %r in the log; log:\n%s" % (needle, harness.tail(self.d.logpath)))


class DiskFullLimit(DiskFullBase):
    """max_database_mb = 1; space returns by raising it and SIGHUP."""

    extra = "max_database_mb = 1;"

    def prepare(self):
        Base.prepare(self)
        # Most of the megabyte already taken: a few hundred check-ins fill it.
        fill_filler(self.d, 1024 * 1024 - 96 * 1024)

    def test_full_then_limit_raised(self):
        acked, refused = self.fill_until_503()
        self.restart_while_full(acked, refused)
        self.assert_refused_unstored(refused)
        self.assert_once(acked, "while full: ")
        before = self.d.log().count("configuration reloaded")
        self.d.write_config(extra="max_database_mb = 8;")
        self.d.signal(1)        # SIGHUP
        self.wait_log("configuration reloaded", before)
        self.resend(refused)
        self.assert_once(acked + refused)
        # Not only the retries: new messages are taken too.
        cl = Client(self.d)
        try:
            st, body = cl.post("0917000001", self.pho, "df-after")
        finally:
            cl.close()
        self.assertEqual(st, 200, body)
        self.assert_once(acked + refused + [("df-after", "0917000001")])


class DiskFullDelete(DiskFullBase):
    """max_database_mb = 1; space returns when old rows are deleted."""

    extra = "max_database_mb = 1;"

    def prepare(self):
        Base.prepare(self)
        fill_filler(self.d, 1024 * 1024 - 96 * 1024)

    def test_full_then_rows_deleted(self):
        acked, refused = self.fill_until_503()
        c = self.write_conn()
        try:
            c.execute("BEGIN IMMEDIATE")
            # (inbound is a view: a DELETE through it reports no rows)
            n = c.execute("SELECT count(*) FROM inbound"
                          " WHERE channel = 'filler'").fetchone()[0]
            c.execute("DELETE FROM inbound WHERE channel = 'filler'")
            c.execute("COMMIT")
        finally:
            c.close()
        self.assertGreater(n, 0)
        self.resend(refused)
        self.assert_once(acked + refused)


class DiskFullTmpfs(DiskFullBase):
    """The database on a 4 MB tmpfs that a file fills: the write of the WAL
    or of a checkpoint fails with ENOSPC. Space returns when the file goes.
    Needs root and a kernel that lets us mount; skipped otherwise."""

    SIZE_MB = 4
    LEFT = 256 * 1024   # bytes left free after the filler
    STRICT = False

    def setUp(self):
        harness.sqlite_only("a full file system under SQLite's file")
        self.d = harness.Daemon(inbound=INBOUND, questions=harness.NO_QUESTIONS,
                                name=type(self).__name__)
        self.mnt = os.path.dirname(self.d.dbpath)
        os.makedirs(self.mnt, exist_ok=True)
        why = None
        if os.geteuid() != 0:
            why = "not root: cannot mount a small tmpfs"
        else:
            p = subprocess.run(["mount", "-t", "tmpfs", "-o",
                                "size=%dm,mode=0700" % self.SIZE_MB, "tmpfs",
                                self.mnt], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
            if p.returncode != 0:
                why = "mount -t tmpfs failed: %s" % p.stdout.decode().strip()
        if why is not None:
            self.d.__exit__(None, None, None)
            self.skipTest(why)
        # Runs after the daemon has stopped (cleanups run last in, first out).
        self.addCleanup(self._umount)
        self.d.__enter__()
        self.addCleanup(self._cleanup)
        self.prepare()
        self.d.start()

    def _umount(self):
        subprocess.run(["umount", self.mnt])
        # The harness could not remove the mount point; the log is gone if
        # it removed the rest (the test passed): then the folder goes too.
        if not os.path.exists(self.d.logpath):
            shutil.rmtree(self.d.dir, ignore_errors=True)

    def fill_disk(self):
        """A file that takes every free block of the tmpfs."""
        path = os.path.join(self.mnt, "filler")
        block = b"\0" * 65536
        with open(path, "wb", buffering=0) as f:
            while True:
                try:
                    f.write(block)
                except OSError as e:
                    if e.errno != errno.ENOSPC:
                        raise
                    break
        # Then give back a little: the daemon's own writes take the rest.
        size = os.path.getsize(path)
        os.truncate(path, max(0, size - self.LEFT))
        return path

    def test_tmpfs_full(self):
        warm = Client(self.d)
        try:
            for i in range(20):
                st, body = warm.post("0918%06d" % i, self.pho, "warm-%d" % i)
                self.assertEqual(st, 200, body)
        finally:
            warm.close()
        filler = self.fill_disk()
        st = os.statvfs(self.mnt)
        print("tmpfs %d MB: %d bytes free after the filler" % (
            self.SIZE_MB, st.f_bavail * st.f_frsize))
        acked, refused = self.fill_until_503()
        acked += [("warm-%d" % i, "0918%06d" % i) for i in range(20)]
        self.restart_while_full(acked, refused)
        self.assert_refused_unstored(refused)
        os.unlink(filler)
        self.resend(refused)
        self.assert_once(acked + refused)


# The WAL: written back, and bounded (else it fills the disk).

class WalCheckpoint(Base):
    """The WAL is written back when idle and stays bounded under load.

    The daemon commits into the WAL and leaves writing back to a
    checkpointer thread with its own connection (src/store/sqlite.c), which runs a
    PASSIVE checkpoint every 200 ms. On SQLite before 3.42 (Debian 12 has
    3.40.1) a checkpoint on a connection that has never read anything does
    nothing (it has not opened the WAL; *pnLog = -1), so nothing is ever
    written back while the daemon runs: about 19 KB of WAL per check-in
    (synchronous = FULL), 19 GB for a million, and every read walks a WAL
    index that keeps growing. Even once it runs, under steady load a
    PASSIVE checkpoint never finds the WAL idle, no commit rewinds it, and
    it still grew without bound (11 GB after 700,000 check-ins): the
    checkpointer now reads once first, and RESTARTs a WAL past 16 MB.
    SQLite only: PostgreSQL has no WAL file beside the data.
    """

    def setUp(self):
        harness.sqlite_only("SQLite's WAL file and its checkpointer")
        Base.setUp(self)

    def test_written_back_when_idle(self):
        load(self.d, self.pho, 1000, 4)

        def pages():
            """(pages in the database file, pages of the database)."""
            c = self.d.db()
            try:
                n = c.execute("PRAGMA page_count").fetchone()[0]
                psize = c.execute("PRAGMA page_size").fetchone()[0]
            finally:
                c.close()
            return os.path.getsize(self.d.dbpath) // psize, n

        # Idle, the checkpointer (every 200 ms) writes it back soon: no
        # fixed wait.
        harness.wait_for(lambda: len(set(pages())) == 1, harness.stretch(10))
        in_file, n = pages()
        print("idle after 1000 check-ins: database file %d pages of %d; WAL %d bytes"
              % (in_file, n, os.path.getsize(self.d.dbpath + "-wal")))
        self.assertEqual(in_file, n, "the WAL was not written back")

    def test_bounded_under_load(self):
        wal = self.d.dbpath + "-wal"
        stop = threading.Event()
        peak = [0]

        def watch():
            while not stop.is_set():
                try:
                    peak[0] = max(peak[0], os.path.getsize(wal))
                except OSError:
                    pass
                time.sleep(0.05)

        th = threading.Thread(target=watch)
        th.start()
        try:
            n = load(self.d, self.pho, 8000, 8)
        finally:
            stop.set()
            th.join()
        print("WAL under %d check-ins from 8 connections: peak %.1f MB" % (
            n, peak[0] / 1048576.0))
        # Unbounded it would be ~150 MB here (19 KB a check-in); emptied past
        # 16 MB, it peaks at 20-60 MB as the loop lets the checkpointer in.
        self.assertLess(peak[0], 100 << 20, "the WAL grows with the load")


def load(d, code, n, conns):
    """n check-ins over conns keep-alive connections, as fast as answered;
    every one must get 200. How many were sent."""
    errors = []

    def run(k):
        cl = Client(d)
        try:
            for i in range(k, n, conns):
                st, body = cl.post("0915%06d" % i, code, "ld-%d" % i)
                if st != 200:
                    errors.append((i, st, body))
        finally:
            cl.close()

    ts = [threading.Thread(target=run, args=(k,)) for k in range(conns)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    if errors:
        raise AssertionError("%d check-ins refused: %r" % (len(errors), errors[:5]))
    return n


# The database locked by others.

class LockedDatabase(Base):
    """300,000 check-ins at one venue (tests/bench/fill.py) before the start;
    then check-ins while `checkinctl trace venue` reads them all, and while
    a read transaction stays open (the WAL cannot be checkpointed and grows)."""

    ROWS = 300000
    SECONDS = 8.0
    BOUND = 1.0         # s a check-in may take, stretched

    def prepare(self):
        Base.prepare(self)
        if self._testMethodName != "test_long_export":
            return
        fill = os.path.join(harness.env("CHECKIND_SRCDIR"), "tests", "bench",
                            "fill.py")
        t0 = time.monotonic()
        if self.d.pg:
            self.pg_fill()
        else:
            p = subprocess.run([sys.executable, fill, self.d.dbpath,
                                str(self.ROWS)], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT,
                               timeout=harness.stretch(300))
            self.assertEqual(p.returncode, 0, p.stdout.decode())
        print("filled %d check-ins in %.1f s" % (self.ROWS, time.monotonic() - t0))

    def pg_fill(self):
        """fill.py's rows under PostgreSQL (one venue): an inbound row and
        a check-in each, over the last 28 days, ROWS / 10 people."""
        c = self.write_conn()
        try:
            vid = self.d.venue_id(self.pho)
            end = int(time.time()) - 3600
            span = 28 * 86400 - 3 * 3600
            c.execute("BEGIN")
            c.execute("INSERT INTO inbound (channel, ext_id, number, text,"
                      " received_at, replies) SELECT 'fill', 'fill-' ||"
                      " lpad(i::text, 10, '0'), '+8498' || lpad((i % ?)::text,"
                      " 7, '0'), ?, ? + i * ? / ?, '[]'"
                      " FROM generate_series(0::bigint, ? - 1) AS i",
                      (self.ROWS // 10, self.pho, end - span, span, self.ROWS,
                       self.ROWS))
            c.execute("INSERT INTO checkins (venue_id, number, companions,"
                      " sent_at, received_at, checked_out_at, channel,"
                      " inbound_id) SELECT ?, number, 0, received_at,"
                      " received_at, CASE WHEN id % 10 < 6 THEN received_at"
                      " + 600 END, 'fill', id FROM inbound"
                      " WHERE channel = 'fill'", (vid,))
            c.execute("COMMIT")
        finally:
            c.close()

    def checkin_load(self, stop, out, k, expect=200):
        """Check-ins one after the other until stop; (id, number, status,
        seconds) appended to out."""
        cl = Client(self.d, timeout=harness.stretch(30))
        i = 0
        try:
            while not stop.is_set():
                mid, num = "lk-%d-%05d" % (k, i), "09%02d%06d" % (k + 20, i)
                i += 1
                t = time.monotonic()
                try:
                    st, body = cl.post(num, self.pho, mid)
                except (OSError, http.client.HTTPException) as e:
                    st = repr(e)
                out.append((mid, num, st, time.monotonic() - t))
                time.sleep(0.02)
        finally:
            cl.close()

    def healthz_load(self, stop, out):
        """GET /healthz every 50 ms until stop; its latencies appended to out.
        /healthz touches no database: its latency is the event loop's."""
        while not stop.is_set():
            t = time.monotonic()
            st, _, _ = self.d.http("GET", "/healthz", timeout=harness.stretch(30))
            out.append(time.monotonic() - t)
            self.assertEqual(st, 200)
            time.sleep(0.05)

    def test_long_export(self):
        self.d.wait_started()
        code = self.pho
        now = time.time()
        argv = [self.d.checkinctl, "-d", self.d.dbpath, "trace", "venue", code,
                "--from", harness.iso(now - 30 * 86400), "--to",
                harness.iso(now + 3600), "--format", "csv"]
        stop = threading.Event()
        results = [[], []]
        threads = [threading.Thread(target=self.checkin_load,
                                    args=(stop, results[k], k)) for k in range(2)]

        # A reader that holds its snapshot for the whole run.
        reader = self.d.db()
        reader.execute("BEGIN ISOLATION LEVEL REPEATABLE READ" if self.d.pg
                       else "BEGIN")
        held = reader.execute("SELECT count(*) FROM checkins").fetchone()[0]
        self.assertGreaterEqual(held, self.ROWS)
        wal = self.d.dbpath + "-wal"
        wal0 = os.path.getsize(wal) if os.path.exists(wal) else 0

        exports = []
        for t in threads:
            t.start()
        try:
            end = time.monotonic() + self.SECONDS
            while time.monotonic() < end or not exports:
                t0 = time.monotonic()
                with open(os.path.join(self.d.dir, "export.csv"), "wb") as f:
                    p = subprocess.run(argv, stdout=f, stderr=subprocess.PIPE,
                                       timeout=harness.stretch(120))
                took = time.monotonic() - t0
                self.assertEqual(p.returncode, 0, p.stderr)
                with open(os.path.join(self.d.dir, "export.csv"), "rb") as f:
                    lines = sum(1 for _ in f)
                exports.append((took, lines))
        finally:
            stop.set()
            for t in threads:
                t.join(harness.stretch(60))
            wal1 = os.path.getsize(wal) if os.path.exists(wal) else 0
            reader.execute("COMMIT")
            reader.close()
        res = results[0] + results[1]
        lat = sorted(r[3] for r in res)
        print("export: %d runs of %s s, %d rows each; WAL %d -> %d bytes under "
              "a held read transaction" % (
                  len(exports), ", ".join("%.2f" % e[0] for e in exports),
                  exports[0][1] - 1, wal0, wal1))
        print("check-ins meanwhile: %d, latency p50 %.1f ms, p99 %.1f ms, max %.1f ms"
              % (len(lat), lat[len(lat) // 2] * 1000,
                 lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000, lat[-1] * 1000))
        self.assertGreaterEqual(exports[0][1] - 1, self.ROWS, "the export read them all")
        self.assertGreater(len(res), 20)
        failed = [r for r in res if r[2] != 200]
        self.assertEqual(failed, [], "check-ins refused during the export")
        self.assertLess(lat[-1], harness.stretch(self.BOUND))
        if not self.d.pg:
            self.assertGreater(wal1, wal0, "the WAL did not grow past the held reader")
        self.assert_once([(r[0], r[1]) for r in res])

    def write_locked(self, seconds, conns=2):
        """Check-ins (from conns connections) and /healthz while another
        process holds BEGIN IMMEDIATE for seconds; (check-ins as
        checkin_load gives them, /healthz latencies)."""
        c = self.write_conn()
        stop = threading.Event()
        results, health = [[] for _ in range(conns)], []
        threads = [threading.Thread(target=self.checkin_load,
                                    args=(stop, results[k], k)) for k in range(conns)]
        threads.append(threading.Thread(target=self.healthz_load,
                                        args=(stop, health)))
        self.hold_write_lock(c)
        try:
            for t in threads:
                t.start()
            time.sleep(seconds)
            stop.set()
            for t in threads:
                t.join(harness.stretch(30))
        finally:
            c.execute("COMMIT")
            c.close()
        res = [r for rs in results for r in rs]
        lat = sorted(r[3] for r in res) or [0.0]
        hl = sorted(health) or [float("inf")]
        print("write lock held %.0f s: %d check-ins, %s; latency p50 %.1f ms, "
              "max %.1f ms; /healthz meanwhile: %d, p50 %.1f ms, max %.1f ms" % (
                  seconds, len(res), sorted(set(r[2] for r in res), key=str),
                  lat[len(lat) // 2] * 1000, lat[-1] * 1000, len(health),
                  hl[len(hl) // 2] * 1000, hl[-1] * 1000))
        return res, hl

    def test_writer_holds_lock(self):
        """BEGIN IMMEDIATE held 3 s by another process: 503 within a second,
        never a hang; the same messages sent after it commits get 200."""
        self.d.wait_started()
        res, _ = self.write_locked(3.0)
        lat = sorted(r[3] for r in res)
        self.assertGreater(len(res), 4)
        self.assertEqual([r for r in res if r[2] != 503], [],
                         "only 503 while another process holds the write lock")
        self.assertLess(lat[-1], harness.stretch(self.BOUND))
        self.assertEqual(self.d.count("inbound"), 0)
        cl = Client(self.d)
        try:
            for mid, num, _, _ in res:
                st, body = cl.post(num, self.pho, mid)
                self.assertEqual(st, 200, body)
        finally:
            cl.close()
        self.assert_once([(r[0], r[1]) for r in res])

    def test_writer_lock_does_not_stall_the_loop(self):
        """The daemon waits for a write lock held by another process inside
        SQLite's busy handler, on the event loop: SERVER_BUSY_TIMEOUT
        (src/daemon/server.c) keeps that wait short. At 200 ms, /healthz
        (which touches no database) waited p50 0.35-0.56 s, max 0.76 s,
        with 2 to 16 aggregator connections. The wait is SQLite's busy
        timeout, not CPU, so the median's bound is not stretched; on a
        loaded machine a probe can still be descheduled for a while, so
        the slowest one only has to stay far from a blocked loop."""
        self.d.wait_started()
        _, hl = self.write_locked(3.0, conns=4)
        self.assertLess(hl[len(hl) // 2], 0.3, "/healthz waited for the lock")
        self.assertLess(hl[-1], harness.stretch(2.0), "/healthz waited for the lock")

    def test_start_while_locked(self):
        """Started while another process holds the write lock (checkinctl
        venue import, purge) for 1.5 s, the daemon listens, then its
        start-up write (outbox rows left "sending" queued again) waited
        only SERVER_BUSY_TIMEOUT and the daemon exited 1; start-up now waits
        as long as checkinctl would.
        """
        self.d.stop()
        c = self.write_conn()
        self.hold_write_lock(c)
        try:
            self.d.start()
            time.sleep(1.5)
        finally:
            c.execute("COMMIT")
            c.close()
        # Its start-up write done (or it died): no fixed wait.
        harness.wait_for(lambda: (self.d.log().count("checkind started") >= self.d.starts
                                  or not self.d.alive()), harness.stretch(10))
        self.assertTrue(self.d.alive(), "exited %r; log:\n%s" % (
            self.d.proc.poll(), harness.tail(self.d.logpath, 5)))
        st, body = Client(self.d).post("0917000002", self.pho, "lk-start")
        self.assertEqual(st, 200, body)


# An aggregator that hangs.

def established_to(port):
    """Open TCP connections to 127.0.0.1:port, counted on the client side
    (/proc/net/tcp): those the sender has not closed yet.

    Counted by local address: /proc/net/tcp is read in chunks, not at one
    instant, and on a busy machine (thousands of sockets coming and going)
    a connection can show up in two of them."""
    local = set()
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            fields = line.split()
            if fields[2] == "0100007F:%04X" % port and fields[3] == "01":
                local.add(fields[1])
    return len(local)


class AggregatorHangs(Base):
    """Route "hung" goes to a fake aggregator that accepts every request and
    never answers, for HANG seconds; route "fast" to one that answers at
    once. Inline check-ins run all the while."""

    HANG = 60.0
    FAST_RATE = 10.0
    FAST_ROWS = 450     # 45 s of sending at FAST_RATE
    HUNG_ROWS = 30
    INFLIGHT = 4

    def setUp(self):
        self.hung = fakeagg.FakeAgg("json", default=fakeagg.hang())
        self.fast = fakeagg.FakeAgg("json")
        self.addCleanup(self.fast.stop)
        self.addCleanup(self.hung.stop)
        routes = [
            harness.route_conf("hung", "json", url=self.hung.url("/send"),
                               token="t", rate=20.0, inflight=self.INFLIGHT,
                               timeout=5, connect_timeout=2),
            harness.route_conf("fast", "json", url=self.fast.url("/send"),
                               token="t", rate=self.FAST_RATE,
                               inflight=self.INFLIGHT,
                               # Safety nets on this route: stretched.
                               timeout=int(harness.stretch(5)),
                               connect_timeout=int(harness.stretch(2))),
        ]
        text = harness.outbound_conf(routes, max_attempts=100, max_age=3600,
                                     retry_base=0.5, retry_max=5,
                                     default_route="fast")
        self.d = harness.Daemon(inbound=INBOUND, questions=harness.NO_QUESTIONS,
                                name=type(self).__name__,
                                outbound=lambda d: text)
        self.d.__enter__()
        self.addCleanup(self._cleanup)
        # Cleanups run last in, first out: the fakes stop (hung requests end)
        # before the daemon is asked to stop.
        self.addCleanup(self.hung.stop)
        self.prepare()
        self.d.start()

    def test_hang_60s(self):
        hung_ids = self.d.outbox_add([
            {"route": "hung", "number": "+849170%05d" % i, "text": "Treo %d" % i}
            for i in range(self.HUNG_ROWS)])
        t0 = time.monotonic()
        fast_ids = self.d.outbox_add([
            {"route": "fast", "number": "+849171%05d" % i, "text": "Nhanh %d" % i}
            for i in range(self.FAST_ROWS)])

        stop = threading.Event()
        lat = []

        def checkins():
            cl = Client(self.d)
            i = 0
            try:
                while not stop.is_set():
                    t = time.monotonic()
                    st, body = cl.post("0919%06d" % i, self.pho, "hg-%d" % i)
                    lat.append((time.monotonic() - t, st))
                    i += 1
                    time.sleep(0.1)
            finally:
                cl.close()

        th = threading.Thread(target=checkins)
        th.start()
        concurrent = 0
        try:
            while time.monotonic() - t0 < self.HANG:
                concurrent = max(concurrent, established_to(self.hung.port))
                time.sleep(0.1)
        finally:
            stop.set()
            th.join(harness.stretch(30))
        during = self.hung.count()
        # The aggregator answers again: requests still held are dropped
        # (the sender sees the connection close), new ones succeed.
        self.hung.set_default(fakeagg.ok())
        self.hung.release()
        t_back = time.monotonic()
        rows = self.d.wait_outbox("route = 'hung' AND state = %d" % OUTBOX_SENT,
                                  (), self.HUNG_ROWS, harness.stretch(60))
        recovered = time.monotonic() - t_back

        fast = [r for r in self.fast.snapshot()]
        times = [r.t for r in fast]
        gaps = [b - a for a, b in zip(times, times[1:])]
        span = times[-1] - times[0] if len(times) > 1 else 0
        rate = (len(times) - 1) / span if span > 0 else 0
        ls = sorted(x[0] for x in lat)
        print("hung route: %d requests during a %.0f s hang (at most %d "
              "connections open at once), all %d rows sent %.1f s after it answered again; "
              "attempts per row %d..%d" % (
                  during, self.HANG, concurrent, len(rows), recovered,
                  min(r["attempts"] for r in rows), max(r["attempts"] for r in rows)))
        print("fast route: %d requests at %.2f/s (rate %.1f), largest gap %.2f s"
              % (len(times), rate, self.FAST_RATE, max(gaps)))
        print("inline check-ins during the hang: %d, p50 %.1f ms, max %.1f ms" % (
            len(ls), ls[len(ls) // 2] * 1000, ls[-1] * 1000))

        self.assertEqual([x for x in lat if x[1] != 200], [])
        self.assertGreater(len(ls), 100)
        self.assertLess(ls[-1], harness.stretch(1.0), "check-ins slowed down")

        sent = self.d.outbox("route = 'fast' AND state = %d" % OUTBOX_SENT)
        self.assertEqual(sorted(r["id"] for r in sent), sorted(fast_ids))
        self.assertEqual(set(r["attempts"] for r in sent), {1})
        self.assertEqual(len(fast), self.FAST_ROWS)
        # Not slower than 85% of the rate (in time: stretched); never faster
        # than 120% of it.
        self.assertLessEqual(span, harness.stretch((len(times) - 1) / (0.85 * self.FAST_RATE)),
                             "%.2f/s" % rate)
        self.assertLessEqual(rate, 1.2 * self.FAST_RATE)
        self.assertLess(max(gaps), harness.stretch(1.0))

        self.assertEqual(sorted(r["id"] for r in rows), sorted(hung_ids))
        # Connections, not requests, are counted: one whose request timed out
        # may still show as established while its replacement opens.
        self.assertLessEqual(concurrent, self.INFLIGHT + 1)
        self.assertGreater(during, self.INFLIGHT, "the hung route was never retried")
        self.assertGreater(max(r["attempts"] for r in rows), 1)
        self.assertEqual(self.d.outbox_states("route = 'hung'"),
                         {"sent": self.HUNG_ROWS})


if __name__ == "__main__":
    harness.main(300)

"""The PostgreSQL store: the schema made at start (once, with several nodes),
checkinctl through a URI, a start refused with a one-line reason, a server
restarted under a running daemon, and a check-in stored in PostgreSQL.

Starts its own cluster (tests/pgserver.py); skipped where PostgreSQL 15 is
not installed.
"""

import subprocess
import time
import unittest

import harness
from harness import NO_QUESTIONS, e164, group, stretch, wait_until

# The tables of the SQLite schema at version 10, and schema_version.
TABLES = {
    "admin_sessions", "answers", "audit", "checkins", "daily_seen",
    "daily_stats", "declarations", "flags", "inbound", "inspections",
    "inspectors", "outbox", "parts", "registrations", "route_secrets",
    "route_tokens", "schema_version", "sessions", "subscribers",
    "ussd_sessions", "venues", "ward_days",
}
# The migrations a new database gets, the newest last.
STEPS = ["9", "10", "11", "12"]
VERSION = int(STEPS[-1])

_dbs = iter(range(1, 1000))


def setUpModule():
    global SERVER
    SERVER = harness.pg_server()


def fresh():
    """The URI of a new empty database."""
    return SERVER.create_database("test_pg_%d" % next(_dbs))


def tables(uri):
    """The tables, a table in day partitions once (not its days)."""
    return {r[0] for r in SERVER.sql(uri, "SELECT relname FROM pg_class"
                                     " WHERE relkind IN ('r', 'p')"
                                     " AND NOT relispartition AND"
                                     " relnamespace = 'public'::regnamespace")}


def versions(uri):
    return [r[0] for r in SERVER.sql(uri, "SELECT version FROM schema_version"
                                     " ORDER BY version")]


class PgCase(unittest.TestCase):

    def daemon(self, uri, cls=harness.Daemon, **kw):
        d = cls(database=uri, name=type(self).__name__, **kw)
        d.__enter__()
        self.addCleanup(self.finish, d)
        return d

    def finish(self, d):
        if d.alive():
            d.stop()
        d.__exit__(None, None, None)

    def refused(self, d):
        """Start d, which must exit non-zero at once: its log."""
        d.start(wait=False)
        try:
            rc = d.proc.wait(stretch(30))
        except subprocess.TimeoutExpired:
            self.fail("checkind did not refuse to start; log:\n%s" % d.log())
        d._gone()
        self.assertNotEqual(rc, 0, d.log())
        return d.log()


class SchemaTest(PgCase):

    def test_created_at_start(self):
        uri = fresh()
        self.assertEqual(tables(uri), set())
        d = self.daemon(uri)
        d.start()
        d.wait_started()
        self.assertEqual(tables(uri), TABLES)
        self.assertEqual(versions(uri), STEPS)
        self.assertIn("migrated schema=%d" % VERSION, d.log())
        self.assertIn("checkind started version=", d.log())
        # The extra columns of several nodes' outbox.
        cols = {r[0]: r[1] for r in SERVER.sql(
            uri, "SELECT column_name, data_type FROM information_schema.columns"
            " WHERE table_name = 'outbox'")}
        self.assertEqual(cols["claimed_by"], "text")
        self.assertEqual(cols["lease_until"], "bigint")
        self.assertEqual(cols["next_at"], "double precision")
        # Started again: nothing left to migrate.
        d.stop()
        d.start()
        d.wait_started()
        self.assertEqual(versions(uri), STEPS)
        self.assertEqual(d.log().count("migrated schema="), len(STEPS))

    def test_two_daemons_at_once(self):
        """Two nodes started at the same moment on one empty database: both
        come up, the schema is made once (the advisory lock)."""
        uri = fresh()
        a = self.daemon(uri)
        b = self.daemon(uri)
        a.start(wait=False)
        b.start(wait=False)
        for d in (a, b):
            wait_until(lambda: harness.listens(d.proc.pid, d.port), 20,
                       "listening", d, alive=True)
            d.wait_started()
        logs = [a.log(), b.log()]
        self.assertEqual(versions(uri), STEPS)
        self.assertEqual(sum(l.count("migrated schema=%d" % VERSION) for l in logs), 1,
                         logs)
        self.assertEqual(tables(uri), TABLES)

    def test_newer_refused(self):
        uri = fresh()
        d = self.daemon(uri)
        d.start()
        d.stop()
        SERVER.sql(uri, "INSERT INTO schema_version (version) VALUES (%d)"
                   % (VERSION + 1))
        log = self.refused(d)
        self.assertIn("database schema version %d is newer than this program"
                      " knows (%d): upgrade checkind" % (VERSION + 1, VERSION), log)

    def test_checkinctl_migrates(self):
        """checkinctl alone on an empty database makes the schema too."""
        uri = fresh()
        p = subprocess.run([harness.env("CHECKINCTL"), "-d", uri, "venue",
                            "list"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, universal_newlines=True,
                           timeout=stretch(30))
        self.assertEqual(tables(uri), TABLES, p.stderr)
        self.assertEqual(versions(uri), STEPS)


class StartTest(PgCase):

    def assertOneLine(self, log, *needles):
        lines = [l for l in log.splitlines()
                 if l.startswith("checkind: ") and "PostgreSQL" in l]
        self.assertEqual(len(lines), 1, log)
        for n in needles:
            self.assertIn(n, lines[0])
        self.assertNotIn("sekret", log)
        return lines[0]

    def test_server_down(self):
        port = harness.free_port()
        d = self.daemon("postgresql://checkind:sekret@127.0.0.1:%d/checkind"
                        % port)
        log = self.refused(d)
        line = self.assertOneLine(log, "port %d" % port, "refused")
        self.assertIn("checkind:***@127.0.0.1", line)

    def test_no_such_database(self):
        d = self.daemon("postgresql://checkind:sekret@127.0.0.1:%d/nosuchdb"
                        % SERVER.port)
        log = self.refused(d)
        self.assertOneLine(log, '"nosuchdb" does not exist')

    def test_bad_uri(self):
        d = self.daemon("postgresql://checkind:sekret@127.0.0.1:99999/x")
        log = self.refused(d)
        self.assertOneLine(log, "99999")


class VenueTest(PgCase):

    def test_checkinctl_venue_add_list(self):
        uri = fresh()
        d = self.daemon(uri)
        a = d.add_venue("Pho Thin", "Hang Bac", owner="0912345678")
        b = d.add_venue("Cafe Giang", "Hang Gai", kind="checkpoint")
        p = subprocess.run([d.checkinctl, "-d", uri, "venue", "list"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=stretch(30))
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = [l.split("\t") for l in p.stdout.splitlines()]
        self.assertIn([group(a), "Pho Thin", "Hang Bac", "default",
                       "+84912345678", "active"], lines)
        self.assertIn([group(b), "Cafe Giang", "Hang Gai", "checkpoint", "-",
                       "active"], lines)
        self.assertEqual(len(lines), 2)
        self.assertEqual(sorted(r[0] for r in SERVER.sql(
            uri, "SELECT code FROM venues")), sorted([a, b]))


class ReconnectTest(PgCase):

    def test_server_restarted(self):
        """The server restarts under a running daemon: its next write and
        its next officials' read reconnect, and succeed."""
        uri = fresh()
        d = self.daemon(uri, cls=harness.AdminDaemon,
                        outbound=lambda d: harness.NULL_ROUTE)
        d.start()
        d.wait_started()
        st, v = d.admin_json("POST", "/api/venues",
                             {"name": "Banh Mi 25", "ward": "Hang Ca"})
        self.assertEqual(st, 201, v)
        SERVER.restart()
        SERVER.wait_ready()
        st, v = d.admin_json("POST", "/api/venues",
                             {"name": "Bun Cha", "ward": "Hang Manh"})
        self.assertEqual(st, 201, v)
        st, rows = d.admin_json("GET", "/api/venues")
        self.assertEqual(st, 200, rows)
        self.assertEqual(sorted(r["name"] for r in rows),
                         ["Banh Mi 25", "Bun Cha"])
        log = d.log()
        self.assertIn("store: reconnected to PostgreSQL", log)
        # Noticed before a statement was sent on the closed connection.
        self.assertEqual([l for l in log.splitlines() if "level=warn" in l
                          and "terminating connection" in l], [], log)
        self.assertEqual(SERVER.sql(uri, "SELECT count(*) FROM venues"),
                         [["2"]])


class ReportTest(PgCase):

    def test_report_through_a_reader(self):
        """An officials' report runs on a reader thread, its answer spooled
        in a temporary file: a URI has no folder to put it beside."""
        uri = fresh()
        d = self.daemon(uri, cls=harness.AdminDaemon,
                        outbound=lambda d: harness.NULL_ROUTE)
        d.add_venue("Pho Thin", "Hang Bac")
        d.start()
        d.wait_started()
        now = int(time.time())
        st, rows = d.admin_json("GET", "/api/reports/wards?from=%s&to=%s" % (
            harness.urllib.parse.quote(harness.iso(now - 86400)),
            harness.urllib.parse.quote(harness.iso(now))), who="tracer1")
        self.assertEqual(st, 200, rows)
        self.assertIsInstance(rows, list)
        self.assertNotIn("readers: postgresql:", d.log())


class CheckinTest(PgCase):

    def test_json_checkin(self):
        uri = fresh()
        d = self.daemon(uri, questions=NO_QUESTIONS)
        code = d.add_venue("Pho Thin", "Hang Bac")
        d.start()
        d.wait_started()
        before = int(time.time())
        st, replies = d.json_sms("0912000111", code)
        self.assertEqual(st, 200, replies)
        self.assertEqual(len(replies), 1, replies)
        self.assertIn("Pho Thin", replies[0])
        rows = d.query("SELECT v.code, c.number, c.channel, c.companions,"
                       " c.sent_at FROM checkins c JOIN venues v"
                       " ON v.id = c.venue_id")
        self.assertEqual(len(rows), 1, rows)
        self.assertEqual(rows[0][:4], (code, e164("0912000111"), "test", 0))
        self.assertGreaterEqual(rows[0][4], before - 5)
        self.assertEqual(d.count("inbound"), 1)


if __name__ == "__main__":
    harness.main(timeout=300)

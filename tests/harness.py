"""harness.py: a private checkind per test, and the means to talk to it.

Every end-to-end test starts its own daemon on a free port in a temporary
directory, talks to it as an aggregator would (JSON, Kannel, Twilio webhooks)
and reads what it stored straight from the SQLite file. Python 3 standard
library only.

Environment (set by automake's TESTS): CHECKIND, CHECKINCTL, CHECKIND_SRCDIR.
CHECKIND_KEEP=1 keeps the temporary directories for a look afterwards.
CHECKIND_TEST_DATABASE=postgresql gives every Daemon a fresh PostgreSQL
database (tests/pgserver.py: one cluster per test process) instead of a
SQLite file: Daemon.dbpath is then its URI, and query(), db(), db_write()
and sqlite3.connect(uri) speak to it through PgConnection (the protocol
itself, sqlite3's face); what only SQLite has (PRAGMA, its file) skips.
"""

import base64
import datetime
import hashlib
import hmac
import http.client
import itertools
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse

# Timing bounds in tests stretch by this factor in sanitizer builds, whose
# daemons run several times slower (and CI runs two tests at once).
TIME_FACTOR = float(os.environ.get("CHECKIND_TIME_FACTOR") or 1)

# The database every Daemon gets: "" (a SQLite file) or "postgresql".
DATABASE = os.environ.get("CHECKIND_TEST_DATABASE") or ""
if DATABASE not in ("", "sqlite", "postgresql"):
    sys.stderr.write("CHECKIND_TEST_DATABASE=%s: not sqlite or postgresql\n"
                     % DATABASE)
    sys.exit(1)
PG = DATABASE == "postgresql"


def busy():
    """How oversubscribed the machine is now: runnable tasks (the 1-minute
    load average) per CPU, at least 1."""
    return max(1.0, os.getloadavg()[0] / (os.cpu_count() or 1))


def stretch(seconds, load=None):
    """A wall-clock bound (timeout, deadline, watchdog, max latency) as it
    must be here: never shorter than written, longer by TIME_FACTOR (the
    sanitizers, valgrind) and by how loaded the machine is (busy(), or the
    most load a test saw, given as load): a machine running twice as many
    tasks as it has CPUs deschedules the daemon for that much longer."""
    return seconds * max(1.0, TIME_FACTOR) * (busy() if load is None else load)


SECRET = "s3cret"
TWILIO_TOKEN = "tok"
# The dlr_secret of the outbound routes OutboxTestCase configures.
DLR_SECRET = "dlr-s3cret-0123456789"
HOTLINE = "1900 9095"
SHORT = "8088"

Q_SYMPTOMS_VI = "Ban co sot ho khong?"
Q_SYMPTOMS_EN = "Fever or cough?"
Q_CONTACT_VI = "Ban co tiep xuc F0 khong?"
Q_CONTACT_EN = "Contact with a case?"
Q_ROUTE_VI = "Ban di tu dau den dau?"
Q_ROUTE_EN = "Your route?"

# Asia/Ho_Chi_Minh has been UTC+7 without daylight saving since 1975.
LOCAL_TZ = datetime.timezone(datetime.timedelta(hours=7))

QUESTIONS = """questions = (
  { kind = "default"; ask = (
    { id = "symptoms"; type = "yesno"; vi = "%s"; en = "%s"; flag_on = "yes"; },
    { id = "contact"; type = "yesno"; vi = "%s"; en = "%s"; flag_on = "yes"; } ); },
  { kind = "checkpoint"; ask = (
    { id = "route"; type = "text"; vi = "%s"; en = "%s"; } ); }
);
""" % (Q_SYMPTOMS_VI, Q_SYMPTOMS_EN, Q_CONTACT_VI, Q_CONTACT_EN, Q_ROUTE_VI,
       Q_ROUTE_EN)

# Every daemon still running, for the watchdog and for exit.
_live = []
_ids = itertools.count(1)


def env(name):
    """A path the build gives us, or a failure that says which is missing."""
    v = os.environ.get(name)
    if not v:
        sys.stderr.write("%s is not set (run through make check)\n" % name)
        sys.exit(1)
    return v


# Ports are drawn below Linux's ephemeral range (32768-60999): a port the
# kernel hands out for outgoing connections (thousands of them while other
# tests run in parallel) could be taken between our choice and a server's
# bind, which made Kannel fail to start now and then.
PORT_RANGE = (20000, 32000)


def free_port():
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    rng = random.Random()
    for _ in range(200):
        port = rng.randint(*PORT_RANGE)
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
        finally:
            s.close()
    raise RuntimeError("no free port in %d-%d" % PORT_RANGE)


def wait_port(port, timeout=stretch(20.0), alive=None):
    """Wait until 127.0.0.1:port accepts; False on timeout or if alive() fails."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if alive is not None and not alive():
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def read_all(s):
    """Bytes from socket s until the server closes (a reset after an answer,
    or the socket's timeout, ends it too)."""
    chunks = []
    try:
        while True:
            c = s.recv(65536)
            if not c:
                break
            chunks.append(c)
    except (ConnectionResetError, socket.timeout):
        pass
    return b"".join(chunks)


def wait_for(cond, timeout, step=0.05):
    """Poll cond() until it is true or timeout seconds have passed; its last value."""
    end = time.monotonic() + timeout
    while True:
        v = cond()
        if v or time.monotonic() >= end:
            return v
        time.sleep(step)


def wait_until(pred, timeout, what, d, alive=False, detail=None):
    """Poll pred() until it is true, for timeout seconds on a quiet machine
    (stretched); its value. Otherwise fail naming what, with detail() and
    the tail of daemon d's log; with alive, fail at once if d died."""
    limit = stretch(timeout)
    end = time.monotonic() + limit
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        if alive and not d.alive():
            raise AssertionError("checkind died; log:\n%s" % tail(d.logpath))
        time.sleep(0.02)
    raise AssertionError("%s not met in %.0f s%s; log:\n%s" % (
        what, limit, "; " + detail() if detail is not None else "", tail(d.logpath, 30)))


def listens(pid, port):
    """1 if process pid listens on 127.0.0.1:port, 0 if not, None if /proc cannot tell.

    A free port can be taken by someone else (a parallel test) between
    free_port() and the daemon's bind: a connect alone would be fooled.
    """
    try:
        inodes = set()
        for fd in os.listdir("/proc/%d/fd" % pid):
            try:
                link = os.readlink("/proc/%d/fd/%s" % (pid, fd))
            except OSError:
                continue
            if link.startswith("socket:["):
                inodes.add(link[8:-1])
        with open("/proc/net/tcp") as f:
            next(f)
            for line in f:
                fields = line.split()
                local, state, inode = fields[1], fields[3], fields[9]
                if (state == "0A" and local == "0100007F:%04X" % port
                        and inode in inodes):
                    return 1
        return 0
    except (OSError, StopIteration, IndexError):
        return None


def tail(path, n=40):
    """The last n lines of a file, for failure messages."""
    try:
        with open(path, "rb") as f:
            lines = f.read().decode("utf-8", "replace").splitlines()
    except OSError as e:
        return "(no log: %s)" % e
    return "\n".join(lines[-n:])


def kill_all():
    """End every daemon this process started (watchdog, exit)."""
    for d in list(_live):
        d.kill9()


def _watchdog_fire(signum, frame):
    sys.stderr.write("watchdog: test file took too long, killing daemons\n")
    for d in list(_live):
        sys.stderr.write("--- log of %s ---\n%s\n" % (d.dir, tail(d.logpath)))
    kill_all()
    sys.stderr.flush()
    os._exit(1)


def watchdog(seconds):
    """Fail the whole file (and kill its daemons) after this many seconds."""
    signal.signal(signal.SIGALRM, _watchdog_fire)
    signal.alarm(int(seconds + 0.5))


def main(timeout=120):
    """unittest.main() under a watchdog of timeout seconds, stretched by
    TIME_FACTOR; daemons never outlive the file. A file whose every test
    skipped reports SKIP to automake (exit 77), not PASS: the summary then
    shows what did not run (PostgreSQL or Kannel missing, a backend's
    tests on the other)."""
    watchdog(stretch(timeout))
    try:
        prog = unittest.main(exit=False)
    finally:
        kill_all()
    result = prog.result
    if not result.wasSuccessful():
        sys.exit(1)
    if result.testsRun > 0 and len(result.skipped) == result.testsRun:
        print("every test of this file skipped", file=sys.stderr)
        sys.exit(77)
    sys.exit(0)


# Damm check digit (the quasigroup of H. M. Damm, 2004), as src/codec/code.c.
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)


def damm(digits):
    i = 0
    for c in digits:
        i = _DAMM[i][ord(c) - 48]
    return i


def code_valid(code):
    return len(code) == 7 and code.isdigit() and damm(code) == 0


def group(code):
    """"1234567" -> "123 4567"."""
    return code[:3] + " " + code[3:]


def neighbours(code):
    """Every valid code one typo (one digit, or two neighbours swapped) away."""
    out = set()
    for i in range(len(code)):
        for d in "0123456789":
            if d != code[i]:
                c = code[:i] + d + code[i + 1:]
                if code_valid(c):
                    out.add(c)
    for i in range(len(code) - 1):
        if code[i] != code[i + 1]:
            c = code[:i] + code[i + 1] + code[i] + code[i + 2:]
            if code_valid(c):
                out.add(c)
    out.discard(code)
    return out


def typo(code, pos=3):
    """code with one digit changed: always fails the check digit."""
    d = str((int(code[pos]) + 1 + random.randrange(9)) % 10)
    if d == code[pos]:
        d = str((int(d) + 1) % 10)
    t = code[:pos] + d + code[pos + 1:]
    assert not code_valid(t), t
    return t


def swap(code, pos=2):
    """code with two neighbouring (different) digits swapped."""
    while code[pos] == code[pos + 1]:
        pos = (pos + 1) % (len(code) - 1)
    t = code[:pos] + code[pos + 1] + code[pos] + code[pos + 2:]
    assert not code_valid(t), t
    return t


def fresh_code(avoid=()):
    """A valid code that is none of avoid and not one typo from any of them."""
    while True:
        p = "%06d" % random.randrange(10 ** 6)
        c = p + str(damm(p))
        if c in avoid:
            continue
        if any(c in neighbours(a) for a in avoid):
            continue
        return c


def bad_code(avoid=()):
    """A 7-digit string failing the check digit, with no code of avoid one typo away."""
    while True:
        p = "%07d" % random.randrange(10 ** 7)
        if code_valid(p):
            continue
        near = False
        for a in avoid:
            if p in _typos(a):
                near = True
        if not near:
            return p


def _typos(code):
    """Every string one typo from code (valid or not)."""
    out = set()
    for i in range(len(code)):
        for d in "0123456789":
            out.add(code[:i] + d + code[i + 1:])
    for i in range(len(code) - 1):
        out.add(code[:i] + code[i + 1] + code[i] + code[i + 2:])
    out.discard(code)
    return out


def local_times(window=90):
    """Local "HH:MM" strings from a little before now to a little after."""
    now = time.time()
    out = set()
    for dt in range(-window, window + 1, 30):
        t = datetime.datetime.fromtimestamp(now + dt, LOCAL_TZ)
        out.add(t.strftime("%H:%M"))
    return out


def e164(local):
    """"0912345678" -> "+84912345678", as the daemon stores numbers."""
    if local.startswith("+"):
        return local
    if local.startswith("0"):
        return "+84" + local[1:]
    return "+" + local


def twilio_signature(token, url, params):
    """base64(HMAC-SHA1(token, url + name1value1name2value2...)), sorted by name."""
    s = url + "".join(k + v for k, v in sorted(params))
    mac = hmac.new(token.encode(), s.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(mac).decode()


# PostgreSQL (CHECKIND_TEST_DATABASE=postgresql): one cluster per process.
_pg = None
_pg_dbs = itertools.count(1)


def pg_server():
    """This process's PostgreSQL cluster (a pgserver.PgServer), started at
    the first call; SkipTest when PostgreSQL is not installed."""
    global _pg
    if _pg is None:
        import pgserver
        _pg = pgserver.PgServer(timeout=stretch(60))
    return _pg


def _sqlite_connect_or_pg(database, *args, **kw):
    """sqlite3.connect, or given a PostgreSQL URI, a PgConnection: a test
    crafting rows with python's sqlite3 crafts them in PostgreSQL too.
    SQLite's own (PRAGMA, a lock on its file) skips or needs its test's
    PostgreSQL counterpart."""
    name = database if isinstance(database, str) else ""
    if name.startswith("file:"):
        name = urllib.parse.unquote(name[5:])
    if name.startswith(("postgresql:", "postgres:")):
        return PgConnection(name, *args, **kw)
    return _sqlite_connect(database, *args, **kw)


_sqlite_connect = sqlite3.connect
if PG:
    sqlite3.connect = _sqlite_connect_or_pg


def sqlite_only(what="SQLite only"):
    """Skip the calling test under PostgreSQL: it reads SQLite's file."""
    if PG:
        raise unittest.SkipTest(what)


def pg_literal(v):
    """A Python value as a PostgreSQL literal, as sqlite3 would bind it."""
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return "'%r'::float8" % v
    if isinstance(v, bytes):
        v = v.decode("utf-8", "replace")
    return "'%s'" % str(v).replace("'", "''")


def pg_bind(sql, args):
    """sql with its ? placeholders (outside quotes) replaced by args quoted."""
    out = []
    args = list(args)
    n = 0
    quote = None
    for ch in sql:
        if quote is not None:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "?":
            if n >= len(args):
                raise ValueError("too few arguments for %r" % sql)
            out.append(pg_literal(args[n]))
            n += 1
            continue
        out.append(ch)
    if n != len(args):
        raise ValueError("%d arguments for %d placeholders in %r" % (
            len(args), n, sql))
    return "".join(out)


def _pg_value(text, typ):
    """A column psql printed, as sqlite3 would give it."""
    if text is None:
        return None
    if typ in ("bigint", "integer", "smallint"):
        return int(text)
    if typ == "numeric":
        return int(text) if re.match(r"^-?\d+$", text) else float(text)
    if typ in ("double precision", "real"):
        return float(text)
    if typ == "boolean":
        return 1 if text == "t" else 0
    return text


def pg_query(uri, sql, args=()):
    """Rows of a query on the database at uri, as (names, tuples): ints as
    int, floats as float, text as str, NULL as None. SQLite's own (PRAGMA,
    its plans, sqlite_master) skips the test."""
    c = PgConnection(uri, isolation_level=None)
    try:
        cur = c.execute(sql, args)
        return [d[0] for d in cur.description or ()], cur.fetchall()
    finally:
        c.close()


# A PostgreSQL connection speaking the protocol itself (version 3, trust
# authentication, simple queries): the few parts of python's sqlite3 the
# tests use (execute, executemany, lastrowid, rowcount, fetchone/fetchall,
# sqlite3.Row, commit), so that a test crafting rows by hand runs on both
# backends. Arguments are bound as literals (pg_bind).
_PG_INT = (20, 21, 23, 26)          # int8, int2, int4, oid
_PG_FLOAT = (700, 701)              # float4, float8
_PG_NUMERIC, _PG_BOOL = 1700, 16


class PgRow(tuple):
    """sqlite3.Row's face: by index, by column name, keys()."""

    def __new__(cls, names, values):
        r = tuple.__new__(cls, values)
        r._names = names
        return r

    def keys(self):
        return list(self._names)

    def __getitem__(self, k):
        if isinstance(k, str):
            for i, n in enumerate(self._names):
                if n.lower() == k.lower():
                    return tuple.__getitem__(self, i)
            raise IndexError("No item with that key")
        return tuple.__getitem__(self, k)


class PgCursor:
    def __init__(self, conn):
        self.connection = conn
        self.description = None
        self.rowcount = -1
        self.lastrowid = None
        self._rows = []

    def execute(self, sql, args=()):
        self.connection._execute(self, sql, args)
        return self

    def executemany(self, sql, seq):
        n = 0
        m = re.match(r"(?is)(\s*INSERT\s.*?\)\s*VALUES\s*)(\(.*\))\s*;?\s*$", sql)
        if m and not re.search(r"\bRETURNING\b", sql, re.I):
            # Many rows a statement: one round trip per row is slow.
            rows = [pg_bind(m.group(2), args) for args in seq]
            for i in range(0, len(rows), 1000):
                self.connection._execute(self, m.group(1) + ", ".join(
                    rows[i:i + 1000]), (), want_id=False)
                n += max(self.rowcount, 0)
        else:
            for args in seq:
                self.connection._execute(self, sql, args)
                n += max(self.rowcount, 0)
        self.rowcount = n
        self.lastrowid = None
        return self

    def fetchone(self):
        return self._rows.pop(0) if self._rows else None

    def fetchall(self):
        rows, self._rows = self._rows, []
        return rows

    def __iter__(self):
        while self._rows:
            yield self._rows.pop(0)

    def close(self):
        pass


class PgConnection:
    """A connection to the database at a postgresql:// URI. isolation_level
    None: autocommit, BEGIN and COMMIT by hand; otherwise a transaction opens
    before the first write and commit() ends it, as in sqlite3."""

    def __init__(self, uri, timeout=None, isolation_level="", **kw):
        u = urllib.parse.urlparse(uri)
        self.isolation_level = isolation_level
        self.row_factory = None
        self.text_factory = str
        self._idcols = {}
        self._status = b"I"
        self._sock = socket.create_connection(
            (u.hostname or "127.0.0.1", u.port or 5432), timeout=stretch(60))
        params = b""
        for k, v in (("user", u.username or "checkind"),
                     ("database", u.path.lstrip("/") or "postgres"),
                     ("client_encoding", "UTF8"),
                     ("application_name", "checkind-test")):
            params += k.encode() + b"\0" + v.encode() + b"\0"
        body = (196608).to_bytes(4, "big") + params + b"\0"
        self._sock.sendall((len(body) + 4).to_bytes(4, "big") + body)
        while True:
            t, m = self._recv()
            if t == b"R" and int.from_bytes(m[:4], "big") != 0:
                raise sqlite3.OperationalError(
                    "PostgreSQL asks for a password (trust expected)")
            if t == b"E":
                raise sqlite3.OperationalError(self._error(m)[1])
            if t == b"Z":
                self._status = m[:1]
                break

    def _recv_exact(self, n):
        buf = b""
        while len(buf) < n:
            part = self._sock.recv(n - len(buf))
            if not part:
                raise sqlite3.OperationalError("PostgreSQL closed the connection")
            buf += part
        return buf

    def _recv(self):
        head = self._recv_exact(5)
        return head[:1], self._recv_exact(int.from_bytes(head[1:], "big") - 4)

    @staticmethod
    def _error(m):
        fields = {}
        for f in m.split(b"\0"):
            if f:
                fields[f[:1]] = f[1:].decode("utf-8", "replace")
        return fields.get(b"C", ""), fields.get(b"M", "error")

    def _simple(self, sql):
        """Run sql (one statement): (names, types, raw rows, command tag)."""
        body = sql.encode("utf-8") + b"\0"
        self._sock.sendall(b"Q" + (len(body) + 4).to_bytes(4, "big") + body)
        names, types, rows, tag, err = [], [], [], "", None
        while True:
            t, m = self._recv()
            if t == b"T":
                names, types, rows = [], [], []
                n, p = int.from_bytes(m[:2], "big"), 2
                for _ in range(n):
                    e = m.index(b"\0", p)
                    names.append(m[p:e].decode("utf-8"))
                    types.append(int.from_bytes(m[e + 7:e + 11], "big"))
                    p = e + 19
            elif t == b"D":
                n, p, vals = int.from_bytes(m[:2], "big"), 2, []
                for _ in range(n):
                    ln = int.from_bytes(m[p:p + 4], "big", signed=True)
                    p += 4
                    if ln < 0:
                        vals.append(None)
                    else:
                        vals.append(m[p:p + ln])
                        p += ln
                rows.append(vals)
            elif t == b"C":
                tag = m.rstrip(b"\0").decode()
            elif t == b"E":
                err = self._error(m)
            elif t == b"Z":
                self._status = m[:1]
                break
        if err is not None:
            code, msg = err
            cls = sqlite3.IntegrityError if code.startswith("23") else \
                sqlite3.OperationalError
            raise cls("%s (SQLSTATE %s)\nquery: %s" % (msg, code, sql))
        return names, types, rows, tag

    def _value(self, raw, typ):
        if raw is None:
            return None
        s = raw.decode("utf-8")
        if typ in _PG_INT:
            return int(s)
        if typ in _PG_FLOAT:
            return float(s)
        if typ == _PG_NUMERIC:
            return int(s) if re.match(r"^-?\d+$", s) else float(s)
        if typ == _PG_BOOL:
            return 1 if s == "t" else 0
        if self.text_factory is bytes:
            return raw
        return s

    def _idcol(self, table):
        """Whether table's column id is made by the database (sqlite3's
        rowid): an identity, or a sequence's default (a table in day
        partitions: src/store/pg-schema.c, step 11)."""
        if table not in self._idcols:
            r = self._simple("SELECT 1 FROM information_schema.columns WHERE"
                             " table_schema = current_schema() AND table_name = %s"
                             " AND column_name = 'id' AND (is_identity = 'YES'"
                             " OR column_default LIKE 'nextval(%%')"
                             % pg_literal(table))[2]
            self._idcols[table] = bool(r)
        return self._idcols[table]

    def _execute(self, cur, sql, args, want_id=True):
        if re.match(r"\s*(PRAGMA|EXPLAIN QUERY PLAN)\b", sql, re.I) or \
                re.search(r"\bsqlite_\w+", sql):
            raise unittest.SkipTest("SQLite only")
        if isinstance(args, dict):
            raise unittest.SkipTest("named parameters: SQLite only here")
        q = pg_bind(sql, args).strip().rstrip(";")
        q = re.sub(r"^BEGIN\s+(IMMEDIATE|EXCLUSIVE|DEFERRED)\b", "BEGIN", q,
                   flags=re.I)
        m = re.match(r"INSERT\s+(OR\s+IGNORE\s+)?INTO\s+(\w+)\s*(\(([^)]*)\))?",
                     q, re.I)
        ids = explicit_id = False
        if m:
            if m.group(1):
                q = re.sub(r"^INSERT\s+OR\s+IGNORE\s+INTO", "INSERT INTO", q,
                           flags=re.I) + " ON CONFLICT DO NOTHING"
            explicit_id = m.group(4) is not None and "id" in [
                c.strip().lower() for c in m.group(4).split(",")]
            # lastrowid of INSERT ... VALUES (of INSERT ... SELECT, no id
            # comes back: a fill of many rows need not read them all).
            if want_id and re.search(r"\)\s*VALUES\b", q, re.I) and \
                    self._idcol(m.group(2)) and \
                    not re.search(r"\bRETURNING\b", q, re.I):
                q += " RETURNING id"
                ids = True
        if self.isolation_level is not None and self._status == b"I" and \
                re.match(r"\s*(INSERT|UPDATE|DELETE)\b", q, re.I):
            self._simple("BEGIN")
        names, types, rows, tag = self._simple(q)
        cur.lastrowid = None
        cur.rowcount = -1
        words = tag.split()
        if words and words[0] in ("INSERT", "UPDATE", "DELETE"):
            cur.rowcount = int(words[-1])
        if ids:
            got = [int(r[0]) for r in rows if r[0] is not None]
            cur.lastrowid = got[-1] if got else None
            names, rows = [], []
            if explicit_id:
                # An id given by hand leaves the identity behind: move it on.
                self._simple("SELECT setval(pg_get_serial_sequence(%s, 'id'),"
                             " greatest((SELECT max(id) FROM %s), 1))"
                             % (pg_literal(m.group(2)), m.group(2)))
        cur.description = tuple((n, None, None, None, None, None, None)
                                for n in names) or None
        out = []
        for r in rows:
            vals = tuple(self._value(v, t) for v, t in zip(r, types))
            if self.row_factory is sqlite3.Row:
                out.append(PgRow(names, vals))
            elif self.row_factory is not None:
                out.append(self.row_factory(cur, vals))
            else:
                out.append(vals)
        cur._rows = out

    def cursor(self):
        return PgCursor(self)

    def execute(self, sql, args=()):
        return PgCursor(self).execute(sql, args)

    def executemany(self, sql, seq):
        return PgCursor(self).executemany(sql, seq)

    @property
    def in_transaction(self):
        return self._status != b"I"

    def commit(self):
        if self._status != b"I":
            self._simple("COMMIT")

    def rollback(self):
        if self._status != b"I":
            self._simple("ROLLBACK")

    def create_function(self, name, narg, fn, deterministic=False):
        """Only the functions PostgreSQL has an equivalent of (PG_FUNCTIONS)."""
        if name not in PG_FUNCTIONS:
            raise unittest.SkipTest("SQLite function %s" % name)
        self._simple(PG_FUNCTIONS[name])

    def close(self):
        if self._sock is not None:
            try:
                self._sock.sendall(b"X\0\0\0\4")
            except OSError:
                pass
            self._sock.close()
            self._sock = None

    def __enter__(self):
        return self

    def __exit__(self, typ, val, tb):
        if typ is None:
            self.commit()
        else:
            self.rollback()
        return False

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass


# SQL functions tests give sqlite3 (create_function), as PostgreSQL has them
# (made in the test's own database: unqualified names do not reach pg_temp).
PG_FUNCTIONS = {
    # day_start: the local (UTC+7, no summer time) midnight of a time.
    "checkind_local_day": "CREATE OR REPLACE FUNCTION checkind_local_day(t bigint)"
    " RETURNS bigint LANGUAGE sql IMMUTABLE AS"
    " 'SELECT t - ((t + 25200) % 86400 + 86400) % 86400'",
}


def _where(where, pg):
    """SQLite's `WHERE 1` as PostgreSQL takes it (pg: the database is)."""
    return "true" if pg and where.strip() == "1" else where


class Daemon:
    """A private checkind: temporary directory, configuration, database, log.

    extra: text added to the configuration's top level (templates, limits).
    inbound: replaces the inbound routes (a libconfig list body) if given.
    database: the `database` setting, to share another daemon's database;
    by default a file of its own (or under PostgreSQL, a fresh database).
    """

    def __init__(self, extra="", inbound=None, questions=QUESTIONS,
                 language="vi", name="e2e", outbound=None, database=None):
        self.checkind = env("CHECKIND")
        self.checkinctl = env("CHECKINCTL")
        self.dir = tempfile.mkdtemp(prefix="checkind-%s-" % name)
        self.port = free_port()
        self.pgdb = None
        if database is not None:
            self.dbpath = database
        elif PG:
            self.pgdb = "checkind_%d_%d" % (os.getpid(), next(_pg_dbs))
            self.dbpath = pg_server().create_database(self.pgdb)
        else:
            self.dbpath = os.path.join(self.dir, "db", "checkind.db")
        self.pg = self.dbpath.startswith(("postgresql:", "postgres:"))
        self.confpath = os.path.join(self.dir, "checkind.conf")
        self.logpath = os.path.join(self.dir, "checkind.log")
        self.extra = extra
        self.inbound = inbound
        self.questions = questions
        self.language = language
        # outbound(daemon) -> configuration text (routes, outbox), made anew
        # at every write so that URLs follow the port.
        self.outbound = outbound
        self.proc = None
        self.starts = 0
        self.write_config()

    # Configuration.

    def twilio_url(self):
        return "http://127.0.0.1:%d/sms/twilio" % self.port

    def config_text(self, extra=None):
        if extra is None:
            extra = self.extra
        if self.outbound is not None:
            extra = extra + "\n" + self.outbound(self)
        inbound = self.inbound
        if inbound is None:
            inbound = """
  { name = "test";   format = "json";   path = "/sms/json";   reply = "inline"; },
  { name = "kannel"; format = "kannel"; path = "/sms/kannel"; reply = "inline"; secret = "%s"; },
  { name = "twilio"; format = "twilio"; path = "/sms/twilio"; auth_token = "%s"; url = "%s"; }
""" % (SECRET, TWILIO_TOKEN, self.twilio_url())
        return """# written by tests/harness.py
database = "%s";
timezone = "Asia/Ho_Chi_Minh";
country_code = "84";
language = "%s";
hotline = "%s";
http = { listen = "127.0.0.1:%d"; max_body = 16384; };
inbound = (%s);
%s
%s
""" % (self.dbpath, self.language, HOTLINE, self.port, inbound,
            self.questions, extra)

    def write_config(self, text=None, extra=None):
        """(Re)write the configuration file; text replaces it whole."""
        self.custom_text = text is not None
        if text is None:
            text = self.config_text(extra)
        with open(self.confpath, "w", encoding="utf-8") as f:
            f.write(text)

    # Venues.

    def add_venue(self, name, ward, kind="default", owner=None, address=None):
        """checkinctl venue add; the venue's 7-digit code."""
        argv = [self.checkinctl, "-d", self.dbpath, "venue", "add",
                "--name", name, "--ward", ward]
        if kind != "default":
            argv += ["--kind", kind]
        if owner is not None:
            argv += ["--owner", owner]
        if address is not None:
            argv += ["--address", address]
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=stretch(30))
        out = p.stdout.decode("utf-8", "replace").strip()
        if p.returncode != 0:
            raise AssertionError("%s exited %d: %s %s" % (
                " ".join(argv), p.returncode, out,
                p.stderr.decode("utf-8", "replace")))
        code = out.replace(" ", "")
        if not (len(code) == 7 and code.isdigit() and out == group(code)):
            raise AssertionError("venue add printed %r, not \"123 4567\"" % out)
        if not code_valid(code):
            raise AssertionError("venue add gave %s, check digit wrong" % out)
        return code

    # Process.

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def wait_started(self, timeout=10.0):
        """Wait for "checkind started" of the last start (timeout seconds on
        a quiet machine): the port listens before the rest is up (the other
        listeners, the start-up writes, the checkpointer's connection)."""
        wait_until(lambda: self.log().count("checkind started") >= self.starts,
                   timeout, '"checkind started"', self, alive=True)

    def start(self, wait=True):
        """Start checkind -f -v -c CONF; wait until it listens on its port.

        If the port was taken meanwhile (parallel tests), pick another one
        and try again, as long as the configuration is our own.
        """
        for attempt in range(5):
            if self._start(wait):
                return
            self.new_ports()
            self.write_config()
        raise AssertionError("no free port after 5 attempts; log:\n%s" % tail(self.logpath))

    def new_ports(self):
        """Pick fresh listening ports after a clash (subclasses add theirs)."""
        self.port = free_port()

    def _start(self, wait):
        assert not self.alive(), "already running"
        log = open(self.logpath, "ab")
        log.write(("=== start %d ===\n" % self.starts).encode())
        log.flush()
        self.starts += 1
        self.proc = subprocess.Popen(
            [self.checkind, "-f", "-v", "-c", self.confpath],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        log.close()
        _live.append(self)
        if not wait:
            return True
        end = time.monotonic() + stretch(20.0)
        while time.monotonic() < end and self.alive():
            mine = listens(self.proc.pid, self.port)
            if mine or (mine is None and wait_port(self.port, 0.1)):
                return True
            time.sleep(0.05)
        rc = self.proc.poll()
        self.kill9()
        if (rc is not None and not self.custom_text
                and "in use" in tail(self.logpath, 5)):
            return False
        raise AssertionError(
            "checkind did not listen on %d (exit %r); log:\n%s" % (
                self.port, rc, tail(self.logpath)))

    def stop(self, timeout=stretch(20)):
        """SIGTERM; it must exit 0."""
        if not self.alive():
            rc = None if self.proc is None else self.proc.returncode
            self._gone()
            raise AssertionError("checkind was not running (exit %r); log:\n%s"
                                 % (rc, tail(self.logpath)))
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill9()
            raise AssertionError("checkind ignored SIGTERM for %.0f s; log:\n%s"
                                 % (timeout, tail(self.logpath)))
        self._gone()
        if rc != 0:
            raise AssertionError("checkind exited %d on SIGTERM; log:\n%s"
                                 % (rc, tail(self.logpath)))
        report = self.sanitizer_report()
        if report:
            raise AssertionError("checkind log reports:\n" + report)

    def kill9(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(stretch(10))
            except subprocess.TimeoutExpired:
                pass
        self._gone()

    def _gone(self):
        if self in _live:
            _live.remove(self)

    def restart(self):
        """Stop if running (kill -9 was the caller's business), start again."""
        if self.alive():
            self.stop()
        self.start()

    def signal(self, sig):
        self.proc.send_signal(sig)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            sys.stderr.write("--- checkind log (%s) ---\n%s\n" % (
                self.dir, tail(self.logpath, 60)))
        self.kill9()
        if exc_type is None and not os.environ.get("CHECKIND_KEEP"):
            shutil.rmtree(self.dir, ignore_errors=True)
            if self.pgdb is not None and _pg is not None:
                try:
                    _pg.drop_database(self.pgdb)
                except RuntimeError:
                    pass    # another daemon still on it: gone at exit
        return False

    def sanitizer_report(self):
        """ASan/UBSan/LSan findings in the log (builds with --enable-sanitizers)."""
        log = self.log()
        for needle in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                       "runtime error:", "level=fatal"):
            i = log.find(needle)
            if i != -1:
                return log[max(0, i - 200):i + 3000]
        return None

    def log(self):
        try:
            with open(self.logpath, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    # HTTP.

    def http(self, method, path, body=None, headers=None, timeout=stretch(10)):
        """One raw request: (status, headers with lower-case names, body bytes)."""
        if isinstance(body, str):
            body = body.encode("utf-8")
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            data = r.read()
            hdrs = {k.lower(): v for k, v in r.getheaders()}
            return r.status, hdrs, data
        finally:
            c.close()

    def json_post(self, obj, path="/sms/json"):
        if not isinstance(obj, (bytes, str)):
            obj = json.dumps(obj, ensure_ascii=False)
        body = obj
        return self.http("POST", path, body,
                         {"Content-Type": "application/json"})

    def json_sms(self, frm, text, id=None, sent_at=None, to=SHORT,
                 path="/sms/json"):
        """(status, replies) for one message; replies is the body if not 200.

        id=None gives a fresh unique id (aggregators always send one);
        id=False leaves the field out.
        """
        msg = {"from": frm, "to": to, "text": text}
        if id is None:
            id = "e2e-%d-%d-%d" % (os.getpid(), next(_ids), random.randrange(10 ** 9))
        if id is not False:
            msg["id"] = id
        if sent_at is not None:
            msg["sent_at"] = sent_at
        status, hdrs, body = self.json_post(msg, path)
        self.last = (status, hdrs, body)
        if status != 200:
            return status, body.decode("utf-8", "replace")
        try:
            obj = json.loads(body.decode("utf-8"))
        except ValueError:
            raise AssertionError("200 with a body that is not JSON: %r" % body)
        if not isinstance(obj, dict) or not isinstance(obj.get("replies"), list):
            raise AssertionError("200 without a replies list: %r" % body)
        return status, obj["replies"]

    def kannel_query(self, params, secret=SECRET):
        """Build a query string the way Kannel's %-substitutions do."""
        if isinstance(params, (bytes, str)):
            q = params if isinstance(params, str) else params.decode("latin-1")
            if secret is not None:
                q = "secret=%s&%s" % (secret, q)
            return q
        items = []
        if secret is not None and "secret" not in params:
            items.append(("secret", secret))
        items += list(params.items())
        return "&".join(
            "%s=%s" % (k, urllib.parse.quote_plus(
                v if isinstance(v, (bytes, str)) else str(v)))
            for k, v in items)

    def kannel_get(self, params, secret=SECRET, path="/sms/kannel"):
        """GET as Kannel's get-url: (status, headers, body bytes)."""
        return self.http("GET", path + "?" + self.kannel_query(params, secret))

    def kannel_params(self, frm, text, coding=None, charset=None, id=None,
                      to=SHORT):
        """The parameters Kannel fills in for one MO message.

        A str goes as UTF-8 (coding 0); bytes as UTF-16BE (coding 2) unless
        coding=0 says they are (broken) UTF-8.
        """
        if isinstance(text, str):
            data, c = text.encode("utf-8"), 0
        else:
            data, c = text, 2
        if coding is not None:
            c = coding
        if charset is None:
            charset = "UTF-16BE" if c == 2 else "UTF-8"
        if id is None:
            id = "%08x-aaaa-4bbb-8ccc-%012x" % (random.randrange(2 ** 32),
                                                random.randrange(2 ** 48))
        return {"from": frm, "to": to, "text": data, "time": str(int(time.time())),
                "id": id, "coding": str(c), "charset": charset}

    def kannel_sms(self, frm, text, method="GET", **kw):
        """One Kannel MO; (status, headers, body as text)."""
        params = self.kannel_params(frm, text, **kw)
        if method == "GET":
            st, h, b = self.kannel_get(params)
        else:
            # post-url: the same substitutions in the URL, the text as body.
            data = params.pop("text")
            ctype = 'text/plain; charset="%s"' % params["charset"]
            st, h, b = self.http("POST", "/sms/kannel?" + self.kannel_query(params),
                                 data, {"Content-Type": ctype})
        return st, h, b.decode("utf-8", "replace")

    def twilio_sms(self, frm, text, sid=None, extra=(), token=TWILIO_TOKEN,
                   signature=None):
        """A signed Twilio webhook: (status, headers, body text)."""
        if sid is None:
            sid = "SM%032x" % random.randrange(16 ** 32)
        params = [("MessageSid", sid), ("AccountSid", "AC" + "0" * 32),
                  ("From", frm), ("To", "+84" + SHORT), ("Body", text),
                  ("NumMedia", "0"), ("NumSegments", "1")] + list(extra)
        if signature is None:
            signature = twilio_signature(token, self.twilio_url(), params)
        body = urllib.parse.urlencode(params)
        st, h, b = self.http("POST", "/sms/twilio", body, {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": signature})
        return st, h, b.decode("utf-8", "replace")

    # Database.

    def db(self):
        """A connection reading the daemon's database, rows as sqlite3.Row:
        its SQLite file, or under PostgreSQL a PgConnection (autocommit)."""
        if self.pg:
            c = PgConnection(self.dbpath, isolation_level=None)
            c.row_factory = sqlite3.Row
            return c
        c = sqlite3.connect("file:%s?mode=ro" % urllib.parse.quote(self.dbpath),
                            uri=True, timeout=stretch(10))
        c.row_factory = sqlite3.Row
        return c

    def query(self, sql, args=()):
        """Rows as tuples; ? placeholders take args."""
        if self.pg:
            return pg_query(self.dbpath, sql, args)[1]
        c = self.db()
        try:
            return [tuple(r) for r in c.execute(sql, args).fetchall()]
        finally:
            c.close()

    def scalar(self, sql, args=()):
        rows = self.query(sql, args)
        return rows[0][0] if rows else None

    def count(self, table, where="1", args=()):
        return self.scalar("SELECT count(*) FROM %s WHERE %s" % (
            table, _where(where, self.pg)), args)

    def integrity_check(self):
        """SQLite's PRAGMA integrity_check: "ok" (under PostgreSQL always:
        its pages are its server's, nothing a killed daemon could tear)."""
        if self.pg:
            return "ok"
        return self.scalar("PRAGMA integrity_check")

    def write_locked(self, c):
        """Another process's write lock taken on connection c (in autocommit):
        SQLite's BEGIN EXCLUSIVE, or under PostgreSQL the tables a message
        writes locked against writers (the daemon then waits lock_timeout,
        its busy timeout, and fails as on a busy SQLite). End it with
        ROLLBACK or COMMIT."""
        if self.pg:
            c.execute("BEGIN")
            c.execute("LOCK TABLE inbound, checkins, outbox IN SHARE ROW"
                      " EXCLUSIVE MODE")
        else:
            c.execute("BEGIN EXCLUSIVE")
        return c

    def venue_id(self, code):
        return self.scalar("SELECT id FROM venues WHERE code = ?", (code,))

    # The outbox.

    def dlr_url(self, route):
        """Our delivery-report URL for an outbound route."""
        return "http://127.0.0.1:%d/dlr/%s" % (self.port, route)

    def dlr_path(self, route, secret=DLR_SECRET):
        """The path and query a delivery report of route is sent to."""
        return "/dlr/%s?secret=%s" % (route, secret)

    def outbox(self, where="1", args=()):
        """Outbox rows as dicts, by id."""
        if self.pg:
            names, rows = pg_query(self.dbpath, "SELECT * FROM outbox WHERE %s"
                                   " ORDER BY id" % _where(where, True), args)
            return [dict(zip(names, r)) for r in rows]
        c = self.db()
        try:
            return [dict(r) for r in c.execute(
                "SELECT * FROM outbox WHERE %s ORDER BY id" % where, args)]
        finally:
            c.close()

    def outbox_row(self, id):
        rows = self.outbox("id = ?", (id,))
        return rows[0] if rows else None

    def outbox_states(self, where="1", args=()):
        """{state name: count} of the rows matching where."""
        out = {}
        for st, n in self.query("SELECT state, count(*) FROM outbox WHERE %s "
                                "GROUP BY state" % _where(where, self.pg), args):
            out[OUTBOX_STATE_NAMES.get(st, st)] = n
        return out

    def outbox_add(self, rows):
        """Insert rows (dicts: route, number, text; optional state, attempts,
        created_at, next_at, expires_at) as another process would, in one
        transaction; their ids."""
        now = int(time.time())
        if self.pg:
            return self._pg_outbox_add(rows, now)
        c = sqlite3.connect(self.dbpath, timeout=stretch(30), isolation_level=None)
        ids = []
        try:
            c.execute("BEGIN IMMEDIATE")
            for r in rows:
                cols = {"state": OUTBOX_QUEUED, "attempts": 0, "created_at": now,
                        "next_at": now, "updated_at": now}
                cols.update(r)
                names = sorted(cols)
                cur = c.execute("INSERT INTO outbox (%s) VALUES (%s)" % (
                    ", ".join(names), ", ".join("?" * len(names))),
                    [cols[k] for k in names])
                ids.append(cur.lastrowid)
            c.execute("COMMIT")
        finally:
            c.close()
        return ids

    def _pg_outbox_add(self, rows, now):
        full = []
        for r in rows:
            cols = {"state": OUTBOX_QUEUED, "attempts": 0, "created_at": now,
                    "next_at": now, "updated_at": now}
            cols.update(r)
            full.append(cols)
        names = sorted(set().union(*full)) if full else []
        if not names:
            return []
        values = ", ".join("(%s)" % ", ".join(
            pg_literal(c[k]) if k in c else "DEFAULT" for k in names)
            for c in full)
        return [r[0] for r in pg_query(self.dbpath, "INSERT INTO outbox (%s)"
                                       " VALUES %s RETURNING id" % (
                                           ", ".join(names), values))[1]]

    def wait_outbox(self, where="1", args=(), count=1, timeout=stretch(20.0)):
        """Wait until at least count rows match where; those rows.

        Fails with every row's state when they do not come in time.
        """
        end = time.monotonic() + timeout
        while True:
            rows = self.outbox(where, args)
            if len(rows) >= count:
                return rows
            if time.monotonic() >= end:
                break
            if not self.alive():
                raise AssertionError("checkind died; log:\n%s" % tail(self.logpath))
            time.sleep(0.05)
        summary = [(r["id"], r["route"], OUTBOX_STATE_NAMES.get(r["state"]),
                    r["attempts"], r["error"]) for r in self.outbox()][:40]
        raise AssertionError("%.0f s: %d of %d rows match %s %r; outbox: %r; log:\n%s" % (
            timeout, len(rows), count, where, args, summary, tail(self.logpath, 25)))


# The outbox (src/store.h enum outbox_state).
OUTBOX_QUEUED, OUTBOX_SENDING, OUTBOX_SENT, OUTBOX_DELIVERED, OUTBOX_FAILED, \
    OUTBOX_EXPIRED = range(6)
OUTBOX_STATE_NAMES = {0: "queued", 1: "sending", 2: "sent", 3: "delivered",
                      4: "failed", 5: "expired"}

# A declaration without questions: a check-in has exactly one reply.
NO_QUESTIONS = 'questions = ( { kind = "default"; ask = ( ); } );'


def lc_value(v):
    """A Python value as libconfig text."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        t = repr(v)
        if "e" in t or "." not in t:
            t = ("%.9f" % v).rstrip("0")
            t = t + "0" if t.endswith(".") else t
        return t
    if isinstance(v, (list, tuple)):
        return "[ %s ]" % ", ".join(lc_value(x) for x in v)
    return '"%s"' % str(v).replace("\\", "\\\\").replace('"', '\\"')


def lc_group(**kw):
    """{ k = v; ... } with the settings in the order given."""
    return "{ %s }" % " ".join("%s = %s;" % (k, lc_value(v)) for k, v in kw.items())


def route_conf(name, driver, **kw):
    """One outbound route: a group for the routes list."""
    return lc_group(name=name, driver=driver, **kw)


def outbound_conf(routes, **outbox):
    """routes = ( ... ); outbox = { ... };"""
    text = "routes = (\n  %s\n);\n" % ",\n  ".join(routes)
    if outbox:
        text += "outbox = %s;\n" % lc_group(**outbox)
    return text


class TestCase(unittest.TestCase):
    """A test with a running daemon self.d and venues made beforehand."""

    extra = ""

    def setUp(self):
        self.d = Daemon(extra=self.extra, name=type(self).__name__)
        self.d.__enter__()
        self.addCleanup(self._cleanup)
        self.venues()
        self.d.start()

    def venues(self):
        pass

    def _cleanup(self):
        try:
            self._finish()
        except BaseException:
            self.d.__exit__(AssertionError, None, None)
            raise
        self._cleanup_dir()

    def _finish(self):
        """A daemon still running at the end must stop cleanly and leave a clean log."""
        if self.d.alive():
            self.d.stop()
        report = self.d.sanitizer_report()
        if report:
            raise AssertionError("checkind log reports:\n" + report)

    def _cleanup_dir(self):
        failed = False
        outcome = getattr(self, "_outcome", None)
        if outcome is not None:
            res = getattr(outcome, "result", None)
            errs = getattr(outcome, "errors", None)
            if errs:
                failed = any(e[1] is not None for e in errs)
            elif res is not None:
                failed = any(t is self for t, _ in
                             list(res.failures) + list(res.errors))
        if failed:
            self.d.__exit__(AssertionError, None, None)
        else:
            self.d.__exit__(None, None, None)

    def sms(self, frm, text, **kw):
        """A JSON message that must get 200; its replies."""
        st, replies = self.d.json_sms(frm, text, **kw)
        self.assertEqual(st, 200, "%r from %s -> %d %r" % (text, frm, st, replies))
        return replies

    def assertTime(self, text):
        """The reply carries the local time now as HH:MM."""
        self.assertTrue(any(t in text for t in local_times()),
                        "no local time %s in %r" % (sorted(local_times()), text))


# Outbound routes against the fake aggregator (tests/fakeagg.py).

# driver -> (fake aggregator flavour, URL path, credentials)
OUTBOUND_DRIVERS = {
    "kannel": ("kannel", "/cgi-bin/sendsms",
               {"username": "gw", "password": "pw", "from": SHORT}),
    "africastalking": ("at", "/version1/messaging",
                       {"username": "sandbox", "api_key": "atkey", "from": SHORT}),
    "twilio": ("twilio", "/2010-04-01/Accounts/AC%s/Messages.json" % ("0" * 32),
               {"username": "AC" + "0" * 32, "password": "twtoken",
                "from": "+15005550006"}),
    "json": ("json", "/send", {"token": "t", "from": SHORT}),
}

OUTBOX_INBOUND = """
  { name = "test"; format = "json"; path = "/sms/json"; reply = "inline"; },
  { name = "q"; format = "json"; path = "/sms/q"; reply = "outbox"; },
  { name = "at"; format = "africastalking"; path = "/sms/at"; reply = "outbox"; }
"""


class OutboxCase(TestCase):
    """A daemon whose one outbound route (self.route, driver self.driver)
    sends to a fake aggregator self.agg started before it.

    Inbound: /sms/json inline, /sms/q json with reply = "outbox", /sms/at
    africastalking. Class settings: route_opts and outbox_opts add to or
    replace the defaults; agg_default is the fake's default behaviour.
    """

    driver = "json"
    route = "agg"
    route_opts = {}
    outbox_opts = {}
    agg_default = None
    json_id = True
    questions = NO_QUESTIONS
    inbound = OUTBOX_INBOUND

    # The timeouts are safety nets (a test that wants one to fire sets its
    # own): stretched, lest a slow fake aggregator count as a failed send.
    ROUTE_DEFAULTS = {"rate": 50.0, "inflight": 4, "timeout": int(stretch(5)),
                      "connect_timeout": int(stretch(2))}
    OUTBOX_DEFAULTS = {"max_attempts": 4, "max_age": 3600, "retry_base": 0.2,
                       "retry_max": 2}

    def setUp(self):
        import fakeagg
        self.flavour, self.agg_path, creds = OUTBOUND_DRIVERS.get(
            self.driver, ("json", "/send", {}))
        self.agg = fakeagg.FakeAgg(self.flavour, default=self.agg_default,
                                   json_id=self.json_id)
        try:
            self.d = Daemon(extra=self.extra, inbound=self.inbound,
                            questions=self.questions, name=type(self).__name__,
                            outbound=self.outbound)
        except BaseException:
            self.agg.stop()
            raise
        self.d.__enter__()
        self.addCleanup(self._cleanup)
        # Runs first: hung requests end before the daemon is asked to stop.
        self.addCleanup(self.agg.stop)
        self.venues()
        self.d.start()

    def route_settings(self, d):
        """The settings of the route under test, in order."""
        kw = {}
        if self.driver != "null":
            kw["url"] = self.agg.url(self.agg_path)
            kw.update(OUTBOUND_DRIVERS.get(self.driver, (0, 0, {}))[2])
        kw.update(self.ROUTE_DEFAULTS)
        kw["dlr_url"] = d.dlr_url(self.route)
        kw["dlr_secret"] = DLR_SECRET
        kw.update(self.route_opts)
        return {k: v for k, v in kw.items() if v is not None}

    def extra_routes(self, d):
        """More route groups (text) after the one under test."""
        return []

    def outbound(self, d):
        opts = dict(self.OUTBOX_DEFAULTS)
        opts["default_route"] = self.route
        opts.update(self.outbox_opts)
        routes = [route_conf(self.route, self.driver, **self.route_settings(d))]
        return outbound_conf(routes + self.extra_routes(d), **opts)

    def reconfigure(self, route_opts=None, outbox_opts=None):
        """Stop, change settings, start again."""
        if route_opts is not None:
            self.route_opts = dict(self.route_opts, **route_opts)
        if outbox_opts is not None:
            self.outbox_opts = dict(self.outbox_opts, **outbox_opts)
        if self.d.alive():
            self.d.stop()
        self.d.write_config()
        self.d.start()

    def queue(self, frm, text, path="/sms/q", **kw):
        """A JSON message through a reply = "outbox" route: how many replies it
        queued (the answer must be {"replies": [], "queued": N})."""
        st, replies = self.d.json_sms(frm, text, path=path, **kw)
        self.assertEqual(st, 200, "%r from %s -> %d %r" % (text, frm, st, replies))
        self.assertEqual(replies, [], "reply = outbox answered inline")
        obj = json.loads(self.d.last[2].decode("utf-8"))
        self.assertIsInstance(obj.get("queued"), int, obj)
        return obj["queued"]


# The officials' API (admin listener), USSD and retention.

# Bearer tokens an AdminDaemon configures: name -> role.
ADMIN_TOKENS = (("tracer1", "tracer"), ("admin1", "admin"))

# Every inbound route of the default set, and the two USSD formats.
USSD_INBOUND = """
  { name = "test";   format = "json";   path = "/sms/json";   reply = "inline"; },
  { name = "ussd";   type = "ussd"; format = "africastalking"; path = "/ussd/at"; },
  { name = "ussd-j"; type = "ussd"; format = "json";           path = "/ussd/json"; }
"""

# A null outbound route: queued texts (alerts, USSD confirmations) stay
# visible in the outbox table and nothing leaves the machine.
NULL_ROUTE = outbound_conf([route_conf("dry", "null", rate=1000.0)],
                           default_route="dry")

PURGE_RE = r"purge: deleted=(\d+) chunks=(\d+) longest_ms=(\d+(?:\.\d+)?)"


def sha256_hex(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def iso(t):
    """UTC seconds as ISO 8601 in Hanoi time: 2021-09-16T08:00:00+07:00."""
    return datetime.datetime.fromtimestamp(t, LOCAL_TZ).isoformat()


def from_iso(s):
    """ISO 8601 with an offset (or Z) -> UTC seconds."""
    if s.endswith("Z"):
        s = s[:-1] + "+00:00"
    d = datetime.datetime.fromisoformat(s)
    if d.tzinfo is None:
        raise ValueError("no offset in %r" % s)
    return int(d.timestamp())


def local_midnight(days_ago=0, now=None):
    """UTC seconds of the local (UTC+7) midnight days_ago days before today."""
    if now is None:
        now = time.time()
    d = datetime.datetime.fromtimestamp(now, LOCAL_TZ).date()
    d -= datetime.timedelta(days=days_ago)
    return int(datetime.datetime(d.year, d.month, d.day,
                                 tzinfo=LOCAL_TZ).timestamp())


def day_start(t):
    """The local day (UTC+7) holding t, as daily_stats keys it."""
    d = datetime.datetime.fromtimestamp(t, LOCAL_TZ).date()
    return int(datetime.datetime(d.year, d.month, d.day,
                                 tzinfo=LOCAL_TZ).timestamp())


def recount_aggregates(c):
    """Count the raw rows a test crafted into the aggregates reports read
    (ward_days, daily_seen, daily_stats.flagged, declarations.counted), as
    the daemon keeps them when it stores the rows itself; call inside the
    transaction that crafted them, daily_stats already written."""
    c.create_function("checkind_local_day", 1, day_start, deterministic=True)
    # SQLite takes an integer as a truth value; PostgreSQL wants a boolean.
    t = (lambda col: col + " <> 0") if isinstance(c, PgConnection) else \
        (lambda col: col)
    c.execute("DELETE FROM daily_seen")
    c.execute("DELETE FROM ward_days")
    c.execute("UPDATE daily_stats SET flagged = 0")
    c.execute("UPDATE declarations SET counted = 0")
    c.execute("INSERT OR IGNORE INTO daily_seen (day, ward, number)"
              " SELECT checkind_local_day(c.sent_at), v.ward, c.number"
              " FROM checkins c JOIN venues v ON v.id = c.venue_id")
    c.execute("INSERT INTO ward_days (day, ward, visitors)"
              " SELECT day, ward, count(*) FROM daily_seen GROUP BY day, ward")
    c.execute("UPDATE declarations SET counted = 1 WHERE venue_id IS NOT NULL"
              " AND (%s OR EXISTS (SELECT 1 FROM answers a"
              " WHERE a.declaration_id = declarations.id AND %s))"
              % (t("flagged"), t("a.flagged")))
    c.execute("INSERT INTO daily_stats (venue_id, day, flagged)"
              " SELECT venue_id, checkind_local_day(started_at), count(*)"
              " FROM declarations WHERE %s GROUP BY 1, 2"
              " ON CONFLICT (venue_id, day) DO UPDATE SET flagged = excluded.flagged"
              % t("counted"))


class AdminDaemon(Daemon):
    """A Daemon with an admin listener (self.admin_port) and bearer tokens.

    tokens: (name, role) pairs; each gets a random token (self.tokens[name]
    = (role, token)) of which the configuration holds only the SHA-256.
    admin_extra: settings added inside admin = { ... }.
    """

    def __init__(self, tokens=ADMIN_TOKENS, admin_extra="", **kw):
        self.tokens = {}
        for name, role in tokens:
            self.tokens[name] = (role, "%s-%032x" % (name, random.getrandbits(128)))
        self.admin_extra = admin_extra
        self.admin_port = free_port()
        Daemon.__init__(self, **kw)

    def admin_conf(self):
        toks = ",\n    ".join(
            lc_group(name=n, role=r, sha256=sha256_hex(t))
            for n, (r, t) in sorted(self.tokens.items()))
        return """admin = {
  listen = "127.0.0.1:%d";
  %s
  tokens = (
    %s
  );
};
""" % (self.admin_port, self.admin_extra, toks)

    def config_text(self, extra=None):
        return Daemon.config_text(self, extra) + self.admin_conf()

    def new_ports(self):
        Daemon.new_ports(self)
        self.admin_port = free_port()

    def _start(self, wait):
        if not Daemon._start(self, wait):
            return False
        if not wait:
            return True
        end = time.monotonic() + stretch(20.0)
        while time.monotonic() < end and self.alive():
            mine = listens(self.proc.pid, self.admin_port)
            if mine or (mine is None and wait_port(self.admin_port, 0.1)):
                return True
            time.sleep(0.05)
        rc = self.proc.poll()
        self.kill9()
        if (rc is not None and not self.custom_text
                and "in use" in tail(self.logpath, 5)):
            return False
        raise AssertionError(
            "checkind did not listen on admin port %d (exit %r); log:\n%s" % (
                self.admin_port, rc, tail(self.logpath)))

    def token(self, name):
        return self.tokens[name][1]

    def admin_http(self, method, path, body=None, who=None, token=None,
                   headers=None, timeout=stretch(10)):
        """One request to the admin listener: (status, headers, body bytes).

        who names a configured token; token is a raw bearer string (wins);
        neither sends no Authorization. A dict or list body goes as JSON.
        """
        h = dict(headers or {})
        if token is None and who is not None:
            token = self.token(who)
        if token is not None:
            h["Authorization"] = "Bearer " + token
        if isinstance(body, (dict, list)):
            body = json.dumps(body, ensure_ascii=False)
            h.setdefault("Content-Type", "application/json")
        if isinstance(body, str):
            body = body.encode("utf-8")
        c = http.client.HTTPConnection("127.0.0.1", self.admin_port, timeout=timeout)
        try:
            c.request(method, path, body=body, headers=h)
            r = c.getresponse()
            data = r.read()
            hdrs = {k.lower(): v for k, v in r.getheaders()}
            return r.status, hdrs, data
        finally:
            c.close()

    def admin_json(self, method, path, body=None, who="admin1", **kw):
        """(status, decoded JSON) for a 2xx, (status, body text) otherwise."""
        st, h, b = self.admin_http(method, path, body, who=who, **kw)
        if 200 <= st < 300:
            try:
                return st, json.loads(b.decode("utf-8"))
            except ValueError:
                raise AssertionError("%s %s -> %d, not JSON: %r" % (method, path, st, b))
        return st, b.decode("utf-8", "replace")

    def metrics(self):
        """GET /metrics: {(name, frozenset of label pairs): value}."""
        st, h, b = self.admin_http("GET", "/metrics")
        if st != 200:
            raise AssertionError("/metrics -> %d %r" % (st, b))
        return parse_metrics(b.decode("utf-8"))


_METRIC_LINE = re.compile(
    r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? '
    r'([-+]?(?:[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|NaN|\+Inf|-Inf))'
    r'( -?[0-9]+)?$')
_METRIC_LABEL = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)')


def parse_metrics(text):
    """Prometheus text format -> {(name, frozenset((label, value), ...)): float}.

    Every line that is not a comment or blank must be `name{labels} value`
    (labels optional); anything else raises ValueError naming the line.
    """
    out = {}
    for n, line in enumerate(text.split("\n"), 1):
        if line == "" or line.startswith("#"):
            continue
        m = _METRIC_LINE.match(line)
        if m is None:
            raise ValueError("metrics line %d is not `name{labels} value`: %r" % (n, line))
        labels = []
        rest = m.group(3) or ""
        pos = 0
        while pos < len(rest):
            lm = _METRIC_LABEL.match(rest, pos)
            if lm is None:
                raise ValueError("metrics line %d: bad labels %r" % (n, line))
            labels.append((lm.group(1), lm.group(2)))
            pos = lm.end()
        key = (m.group(1), frozenset(labels))
        if key in out:
            raise ValueError("metrics line %d repeats a series: %r" % (n, line))
        out[key] = float(m.group(4))
    return out


def ussd_at_post(d, session, phone, text, service="*123#", network="45201",
                 path="/ussd/at", extra=()):
    """One Africa's Talking USSD step: (status, headers, body text)."""
    params = [("sessionId", session), ("serviceCode", service),
              ("phoneNumber", phone), ("networkCode", network), ("text", text)]
    params += list(extra)
    body = urllib.parse.urlencode(params)
    st, h, b = d.http("POST", path, body,
                      {"Content-Type": "application/x-www-form-urlencoded"})
    return st, h, b.decode("utf-8", "replace")


def ussd_json_post(d, session, frm, input, service="*123#", path="/ussd/json"):
    """One JSON USSD step: (status, headers, body bytes)."""
    msg = {"session": session, "from": frm, "service": service, "input": input}
    return d.json_post(msg, path)


class AdminCase(TestCase):
    """A test with an AdminDaemon self.d: webhook, admin listener, tokens
    ADMIN_TOKENS, and the null route "dry" as outbox default."""

    inbound = None
    questions = QUESTIONS
    admin_extra = ""
    outbound_text = NULL_ROUTE

    def setUp(self):
        text = self.outbound_text
        self.d = AdminDaemon(extra=self.extra, inbound=self.inbound,
                             questions=self.questions, name=type(self).__name__,
                             admin_extra=self.admin_extra,
                             outbound=(lambda d: text) if text else None)
        self.d.__enter__()
        self.addCleanup(self._cleanup)
        self.venues()
        self.d.start()

    def db_write(self):
        """A writable connection in autocommit mode (BEGIN/COMMIT by hand),
        to SQLite or PostgreSQL."""
        return sqlite3.connect(self.d.dbpath, timeout=stretch(30), isolation_level=None)


# A slow PostgreSQL statement: the store thread's tests (issue 16).

_slow_dbs = itertools.count(1)


class SlowPgCase(unittest.TestCase):
    """A daemon self.d (daemon_class, NO_QUESTIONS, and daemon_options())
    on a database of its own (self.uri, named database_prefix and a number)
    of this process's PostgreSQL cluster (self.server: tests/pgserver.py,
    SkipTest where PostgreSQL 15 is not installed), with the venue "Pho
    Thin" in "Hang Bac" (self.code), started. slow_trigger then makes a
    table's writes sleep (pg_sleep) for the class's `slow` seconds;
    sleepers() counts the statements sleeping now."""

    database_prefix = None      # "test_x_thread": the database's name
    daemon_class = Daemon
    venue_options = {}          # more of add_venue's (owner=)
    slow = None                 # seconds a slowed statement sleeps

    def setUp(self):
        self.server = pg_server()
        self.uri = self.server.create_database(
            "%s_%d" % (self.database_prefix, next(_slow_dbs)))
        self.d = self.daemon_class(database=self.uri, name=type(self).__name__,
                                   questions=NO_QUESTIONS, **self.daemon_options())
        self.d.__enter__()
        self.addCleanup(self.finish)
        self.code = self.d.add_venue("Pho Thin", "Hang Bac", **self.venue_options)
        self.d.start()
        self.d.wait_started()

    def daemon_options(self):
        """More of daemon_class's keyword arguments (inbound=, outbound=)."""
        return {}

    def finish(self):
        if self.d.alive():
            self.d.stop()
        self.d.__exit__(None, None, None)

    def sql(self, sql):
        """Run sql on the daemon's database: rows as lists of text."""
        return self.server.sql(self.uri, sql)

    def slow_trigger(self, table, events="INSERT", when=None):
        """Every row of table's events ("INSERT OR UPDATE") sleeps self.slow
        seconds, or only those for which the PL/pgSQL condition when holds:
        function and trigger test_slow."""
        sleep = "PERFORM pg_sleep(%f);" % self.slow
        if when is not None:
            sleep = "IF %s THEN %s END IF;" % (when, sleep)
        self.sql("""
            CREATE FUNCTION test_slow() RETURNS trigger AS $$
            BEGIN %s RETURN NEW; END $$ LANGUAGE plpgsql;
            CREATE TRIGGER test_slow BEFORE %s ON %s
                FOR EACH ROW EXECUTE FUNCTION test_slow();
        """ % (sleep, events, table))

    def sleepers(self):
        """How many statements of the cluster sleep in pg_sleep now."""
        return int(self.sql("SELECT count(*) FROM pg_stat_activity"
                            " WHERE wait_event = 'PgSleep'")[0][0])

    def wait_sleeping(self, what, timeout=10):
        """Wait until one statement sleeps (wait_until timeout: what)."""
        wait_until(lambda: self.sleepers() == 1, timeout, what, self.d, alive=True)

    def in_thread(self, fn, what=None, timeout=10, result=None):
        """Run fn() in a thread (joined at cleanup); (thread, result): result
        (a new dict if None) gets its value as "answer". With what, return
        once one statement sleeps (wait_sleeping)."""
        if result is None:
            result = {}

        def run():
            result["answer"] = fn()

        t = threading.Thread(target=run)
        t.start()
        self.addCleanup(t.join)
        if what is not None:
            self.wait_sleeping(what, timeout)
        return t, result

    def assertEnds(self, t, what, timeout=None):
        """Thread t ends within timeout (self.slow and stretch(10) if None),
        or fail: what got no answer."""
        if timeout is None:
            timeout = self.slow + stretch(10)
        t.join(timeout)
        self.assertFalse(t.is_alive(), "%s got no answer" % what)

    def joined(self, t, result, what, timeout=None):
        """in_thread's answer once t ends (assertEnds)."""
        self.assertEnds(t, what, timeout)
        return result["answer"]

    def healthz_at_once(self, whose, still, why_not, login=False):
        """Five GET /healthz (with login, each with the admin's GET /login)
        all answered 200 within self.slow / 3 ("/healthz waited for whose
        store work"), after which still() is true (else why_not). Their
        time in seconds."""
        t0 = time.monotonic()
        for _ in range(5):
            st, _, body = self.d.http("GET", "/healthz")
            self.assertEqual(st, 200, body)
            if login:
                st, _, body = self.d.admin_http("GET", "/login")
                self.assertEqual(st, 200, body)
        took = time.monotonic() - t0
        self.assertLess(took, self.slow / 3, "/healthz waited for %s store work"
                        % whose)
        self.assertTrue(still(), why_not)
        return took

    def assertCheckin(self, answer, number, channel=None):
        """A check-in's (status, replies) to the venue, one reply, and its
        row stored (with its channel's name if given), the only one."""
        st, replies = answer
        self.assertEqual(st, 200, replies)
        self.assertEqual(len(replies), 1, replies)
        self.assertIn("Pho Thin", replies[0])
        if channel is None:
            self.assertEqual(self.sql("SELECT number FROM checkins"),
                             [[e164(number)]])
        else:
            self.assertEqual(self.sql("SELECT number, channel FROM checkins"),
                             [[e164(number), channel]])

    def stall_max(self):
        """The daemon's longest loop stall (/metrics of an AdminDaemon), s."""
        m = self.d.metrics()
        return m.get(("checkind_loop_stall_max_seconds", frozenset()), 0.0)

"""pgserver.py: a throwaway PostgreSQL cluster for the tests.

    server = pgserver.PgServer()          # initdb + pg_ctl start, or SkipTest
    uri = server.create_database("t1")    # postgresql://checkind@127.0.0.1:P/t1
    rows = server.sql(uri, "SELECT 1")    # [["1"]]: lists of text, None for NULL
    server.close()                        # also done at exit

    standby = server.standby("standby1")  # pg_basebackup -R, started, streaming
    server.synchronous("standby1")        # commits wait for the standby
    server.stop("immediate")              # a crash of the primary
    standby.promote()                     # the standby takes writes

The cluster lives in a temporary folder: initdb -A trust -U checkind (the
superuser is checkind, trust on loopback), listening on 127.0.0.1 on a free
port with its unix sockets in the folder, fsync on. As root the server runs
as the `postgres` user through runuser (PostgreSQL refuses to run as root);
otherwise as the current user. Python 3 standard library only.

A standby is a copy of a running cluster made with `pg_basebackup -R -X
stream` over the replication connection initdb's pg_hba.conf trusts on
loopback (wal_level replica and max_wal_senders are the defaults), in a
folder of its own, on its own port, streaming from the primary under its
name (cluster_name, the walreceiver's application_name).

Environment: CHECKIND_PG_BINDIR (default /usr/lib/postgresql/15/bin) holds
initdb, pg_ctl and postgres; CHECKIND_KEEP=1 keeps the folder afterwards.
"""

import atexit
import os
import pwd
import random
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time
import unittest

BINDIR = os.environ.get("CHECKIND_PG_BINDIR") or "/usr/lib/postgresql/15/bin"
USER = "checkind"
# Drawn below Linux's ephemeral range, as harness.free_port does.
PORT_RANGE = (20000, 32000)
# psql's output: fields and rows apart, NULL told from the empty string.
FIELD, RECORD, NULL = "\x1f", "\x1e", "\x01"


def available():
    """Why a cluster cannot be started here, or None when it can."""
    for prog in ("initdb", "pg_ctl", "postgres", "pg_basebackup"):
        if not os.access(os.path.join(BINDIR, prog), os.X_OK):
            return "%s not found in %s (apt install postgresql-15)" % (
                prog, BINDIR)
    if shutil.which("psql") is None:
        return "psql not found (apt install postgresql-client-15)"
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            return "runuser not found, needed to run PostgreSQL as postgres"
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "no postgres user to run PostgreSQL as (apt install postgresql-15)"
    return None


def _tempdir():
    """A new folder for the cluster. As root, in a place the postgres user
    can reach: TMPDIR may be under a home only root may enter."""
    base = tempfile.gettempdir()
    if os.geteuid() == 0:
        d = os.path.realpath(base)
        while True:
            if not os.stat(d).st_mode & stat.S_IXOTH:
                base = "/tmp"
                break
            if d == "/":
                break
            d = os.path.dirname(d)
    return tempfile.mkdtemp(prefix="checkind-pg-", dir=base)


# Run by a watcher process that outlives a test killed before its atexit
# (a watchdog's os._exit, SIGKILL): when its stdin closes, the test is
# gone, and it stops the cluster (unless stopped) and removes the folder.
_WATCHER = r"""
import os, shutil, signal, subprocess, sys
signal.signal(signal.SIGINT, signal.SIG_IGN)
signal.signal(signal.SIGTERM, signal.SIG_IGN)
sys.stdin.read()
folder, data, keep, argv = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
if os.path.exists(os.path.join(data, "postmaster.pid")):
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
if keep != "1":
    shutil.rmtree(folder, ignore_errors=True)
"""


def _free_port():
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


class PgServer:
    """A PostgreSQL cluster of its own, started at creation."""

    def __init__(self, timeout=60.0, primary=None, name=None):
        """A new cluster, or with primary (a running PgServer) a standby
        of it named name (see standby())."""
        why = available()
        if why is not None:
            raise unittest.SkipTest(why)
        self.timeout = timeout
        self.name = name
        self.dir = _tempdir()
        self.data = os.path.join(self.dir, "data")
        self.log = os.path.join(self.dir, "log")
        self.port = None
        self.running = False
        self._closed = False
        atexit.register(self.close)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self._watcher = subprocess.Popen(
            [sys.executable, "-c", _WATCHER, self.dir, self.data,
             "1" if os.environ.get("CHECKIND_KEEP") else "0"] +
            self._owner_argv(["pg_ctl", "-D", self.data, "-m", "immediate",
                              "-w", "stop"]),
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True)
        if primary is None:
            self._as_owner(["initdb", "-D", self.data, "-A", "trust", "-U",
                            USER, "-E", "UTF8", "--locale=C.UTF-8",
                            "--no-sync"])
        else:
            self._as_owner(["pg_basebackup", "-D", self.data, "-R", "-X",
                            "stream", "-c", "fast", "--no-sync", "-h",
                            "127.0.0.1", "-p", str(primary.port), "-U", USER])
        self.start()

    def _owner_argv(self, argv):
        """argv running one of BINDIR's programs as the cluster's owner."""
        argv = [os.path.join(BINDIR, argv[0])] + argv[1:]
        if os.geteuid() == 0:
            argv = ["runuser", "-u", "postgres", "--"] + argv
        return argv

    def _as_owner(self, argv, check=True):
        """Run one of BINDIR's programs as the cluster's owner."""
        argv = self._owner_argv(argv)
        p = subprocess.run(argv, cwd=self.dir, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True)
        if check and p.returncode != 0:
            raise RuntimeError("%s failed (%d):\n%s" % (
                " ".join(argv), p.returncode, p.stdout))
        return p

    def start(self):
        """Start the server (again), on its port once it has one."""
        for attempt in range(5):
            port = self.port or _free_port()
            opts = ("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=on"
                    " -c max_connections=200" % (port, self.dir))
            if self.name is not None:
                opts += " -c cluster_name=%s" % self.name
            p = self._as_owner(["pg_ctl", "-D", self.data, "-l", self.log,
                                "-w", "-t", str(int(self.timeout)),
                                "-o", opts, "start"], check=False)
            if p.returncode == 0:
                self.port = port
                self.running = True
                return
            if self.port is not None:
                break   # a restart keeps its port: no other to try
        with open(self.log, errors="replace") as f:
            log = f.read()[-2000:]
        raise RuntimeError("pg_ctl start failed:\n%s\n%s" % (p.stdout, log))

    def stop(self, mode="fast"):
        """Stop the server, keeping its files (start() brings it back)."""
        if self.running:
            self._as_owner(["pg_ctl", "-D", self.data, "-m", mode, "-w",
                            "stop"], check=False)
            self.running = False

    def restart(self):
        self.stop()
        self.start()

    def close(self):
        """Stop the server and remove its folder (unless CHECKIND_KEEP)."""
        if self._closed:
            return
        self._closed = True
        self.stop("immediate")
        if os.environ.get("CHECKIND_KEEP"):
            print("kept %s" % self.dir)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)
        self._watcher.stdin.close()
        self._watcher.wait()

    def standby(self, name="standby1"):
        """A streaming standby of this running cluster, started (a
        PgServer of its own, read-only until promote()), named name on
        the primary (pg_stat_replication's application_name)."""
        s = PgServer(timeout=self.timeout, primary=self, name=name)
        try:
            self.wait_streaming(name)
        except BaseException:
            s.close()
            raise
        return s

    def wait_streaming(self, name, timeout=None):
        """Wait until standby name streams from this primary."""
        end = time.monotonic() + (timeout or self.timeout)
        while True:
            if self.sql(self.uri(), "SELECT count(*) FROM pg_stat_replication"
                        " WHERE application_name = '%s' AND state = 'streaming'"
                        % name) == [["1"]]:
                return
            if time.monotonic() >= end:
                raise RuntimeError("standby %s not streaming from port %d"
                                   % (name, self.port))
            time.sleep(0.1)

    def synchronous(self, names):
        """Make this primary's commits wait for the standbys names (a
        synchronous_standby_names value; "" for none again). Set with
        ALTER SYSTEM after the standby was copied: a standby made from
        it would wait for itself once promoted."""
        self.sql(self.uri(), "ALTER SYSTEM SET synchronous_standby_names"
                 " = '%s'" % names.replace("'", "''"))
        self.sql(self.uri(), "SELECT pg_reload_conf()")
        end = time.monotonic() + self.timeout
        while names and self.sql(self.uri(), "SELECT count(*) FROM"
                                 " pg_stat_replication WHERE sync_state ="
                                 " 'sync'") == [["0"]]:
            if time.monotonic() >= end:
                raise RuntimeError("no synchronous standby on port %d"
                                   % self.port)
            time.sleep(0.1)

    def promote(self):
        """Make this standby a primary (pg_ctl promote), waiting until it
        takes writes."""
        self._as_owner(["pg_ctl", "-D", self.data, "-w", "-t",
                        str(int(self.timeout)), "promote"])
        end = time.monotonic() + self.timeout
        while self.sql(self.uri(), "SELECT pg_is_in_recovery()") != [["f"]]:
            if time.monotonic() >= end:
                raise RuntimeError("standby on port %d not promoted"
                                   % self.port)
            time.sleep(0.05)

    def uri(self, dbname="postgres"):
        return "postgresql://%s@127.0.0.1:%d/%s" % (USER, self.port, dbname)

    def create_database(self, name):
        """A new empty database: its URI."""
        self.sql(self.uri(), 'CREATE DATABASE "%s"' % name.replace('"', '""'))
        return self.uri(name)

    def drop_database(self, name):
        self.sql(self.uri(), 'DROP DATABASE IF EXISTS "%s" WITH (FORCE)' %
                 name.replace('"', '""'))

    def sql(self, uri, sql):
        """Run sql on the database at uri: its rows, each a list of text
        (None for NULL); RuntimeError with psql's message when it fails.
        Several statements may be given when at most one returns rows."""
        p = subprocess.run(
            ["psql", "-X", "-At", "-q", "-v", "ON_ERROR_STOP=1",
             "-F", FIELD, "-R", RECORD, "-P", "null=" + NULL,
             "-d", uri, "-c", sql],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, universal_newlines=True,
            env=dict(os.environ, PGCONNECT_TIMEOUT="10", LC_ALL="C.UTF-8"),
            timeout=max(60.0, self.timeout))
        if p.returncode != 0:
            raise RuntimeError("psql: %s" % p.stderr.strip())
        out = p.stdout
        if out == "":
            return []
        if out.endswith("\n"):
            out = out[:-1]
        return [[None if v == NULL else v for v in row.split(FIELD)]
                for row in out.split(RECORD)]

    def wait_ready(self, timeout=None):
        """Wait until the server accepts connections again."""
        end = time.monotonic() + (timeout or self.timeout)
        while time.monotonic() < end:
            try:
                self.sql(self.uri(), "SELECT 1")
                return
            except RuntimeError:
                time.sleep(0.1)
        raise RuntimeError("PostgreSQL not ready on port %d" % self.port)

"""HTTP listener limits (issue "Hardening", item 4), src/chan/httpd.c.

What an attacker or a broken client can do to the webhook and admin
listeners, and what must still work meanwhile:

- a crowd of idle connections and slow-loris senders (one header byte every
  2 s, which resets libevent's per-read timeout) while check-ins keep being
  answered and stored; the daemon's descriptors stay bounded by
  http.max_connections;
- a request still unfinished after http.timeout seconds, however steadily
  it trickles, is cut; an idle keep-alive connection too;
- oversized headers and bodies get a 4xx, never a hang;
- the admin listener has its own limits;
- nothing personal (numbers, texts, tokens) reaches an info or warn line.

The test raises its own RLIMIT_NOFILE soft limit to the hard one before any
daemon starts (they inherit it): it holds 2,100 sockets at once.
"""

import json
import os
import resource
import signal
import socket
import struct
import threading
import time

import harness

IDLE = 2000             # idle connections of the crowd
SLOW = 100              # slow-loris senders
CROWD_MAX = 1000        # http.max_connections under the crowd: fewer than IDLE + SLOW
CROWD_TIMEOUT = 5       # http.timeout under the crowd, seconds
SLOW_TIMEOUT = 3        # http.timeout of the timeout tests, seconds
FD_SLACK = 16           # descriptors the daemon may open beside its connections

# What a slow-loris sender trickles: a request whose headers never end.
LORIS = (b"POST /sms/json HTTP/1.1\r\nHost: 127.0.0.1\r\n"
         b"Content-Type: application/json\r\nX-Loris: " + b"a" * 4000)


def raise_nofile():
    """Soft RLIMIT_NOFILE up to the hard limit; the soft limit now."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
    if soft != resource.RLIM_INFINITY and soft < want:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
        except (ValueError, OSError):
            pass
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


NOFILE = raise_nofile()


def fd_count(pid):
    """Descriptors open in process pid."""
    return len(os.listdir("/proc/%d/fd" % pid))


def at_rest(d):
    """Descriptors daemon d holds at rest, once it is wholly up: the port
    listens before the admin listener and the checkpointer's connection
    are open. The count must hold still for three samples."""
    d.wait_started()
    seen = []
    end = time.monotonic() + harness.stretch(5)
    while time.monotonic() < end:
        seen.append(fd_count(d.proc.pid))
        if len(seen) >= 3 and len(set(seen[-3:])) == 1:
            break
        time.sleep(0.1)
    return seen[-1]


def fd_list(pid):
    """What process pid's descriptors are, for a failure's message."""
    names = []
    for fd in sorted(os.listdir("/proc/%d/fd" % pid), key=int):
        try:
            names.append("%s:%s" % (fd, os.readlink("/proc/%d/fd/%s" % (pid, fd))))
        except OSError:
            pass
    return " ".join(names)


def closed_by_peer(s):
    """True if the server closed s (EOF or reset), False if it is still open."""
    timeout = s.gettimeout()
    s.settimeout(None)      # else Python polls for up to the timeout first
    try:
        return s.recv(1, socket.MSG_DONTWAIT | socket.MSG_PEEK) == b""
    except (BlockingIOError, InterruptedError):
        return False
    except OSError:
        return True
    finally:
        s.settimeout(timeout)


def connect(port, timeout=harness.stretch(10)):
    """A connection whose close is a reset: 2,000 of them leave no TIME_WAIT."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.settimeout(None)
    return s


def raw(port, data, timeout=harness.stretch(10)):
    """Send bytes, read the answer until the server closes: (status, bytes).

    Every request here says Connection: close. A reset after the answer
    came is tolerated; a status of None means no answer at all.
    """
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        resp = harness.read_all(s)
    finally:
        s.close()
    if not resp.startswith(b"HTTP/1."):
        return None, resp
    return int(resp.split(b" ", 2)[1]), resp


class Sampler(threading.Thread):
    """The most descriptors process pid had open, sampled until stop()."""

    def __init__(self, pid):
        threading.Thread.__init__(self, daemon=True)
        self.pid = pid
        self.most = fd_count(pid)
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set():
            try:
                self.most = max(self.most, fd_count(self.pid))
            except OSError:
                return
            time.sleep(0.02)

    def stop(self):
        self.done.set()
        self.join(harness.stretch(10))
        return self.most


class Loris(threading.Thread):
    """n slow-loris senders: each sends the next byte of LORIS every `every`
    seconds and notes when the server closed it (opened[i], closed[i])."""

    def __init__(self, port, n, every):
        threading.Thread.__init__(self, daemon=True)
        self.every = every
        self.socks, self.opened = [], []
        for _ in range(n):
            self.socks.append(connect(port))
            self.opened.append(time.monotonic())
        self.closed = [None] * n
        self.sent = [0] * n
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set() and None in self.closed:
            for i, s in enumerate(self.socks):
                if self.closed[i] is not None:
                    continue
                if closed_by_peer(s):
                    self.closed[i] = time.monotonic()
                    continue
                if time.monotonic() - self.opened[i] >= self.sent[i] * self.every:
                    try:
                        s.send(LORIS[self.sent[i]:self.sent[i] + 1])
                        self.sent[i] += 1
                    except OSError:
                        self.closed[i] = time.monotonic()
            time.sleep(0.01)

    def stop(self):
        self.done.set()
        self.join(harness.stretch(10))
        for s in self.socks:
            s.close()


class LimitDaemon(harness.Daemon):
    """A Daemon with more settings inside http = { ... }."""

    def __init__(self, http_extra="", **kw):
        self.http_extra = http_extra
        harness.Daemon.__init__(self, **kw)

    def config_text(self, extra=None):
        text = harness.Daemon.config_text(self, extra)
        old = "max_body = 16384; };"
        assert old in text, "harness.py changed its http group"
        return text.replace(old, "max_body = 16384; %s };" % self.http_extra, 1)


class LimitCase(harness.TestCase):

    http_extra = ""

    def setUp(self):
        self.d = LimitDaemon(http_extra=self.http_extra, extra=self.extra,
                             name=type(self).__name__)
        self.d.__enter__()
        self.addCleanup(self._cleanup)
        self.venues()
        self.d.start()

    def venues(self):
        self.pho = self.d.add_venue("Pho Thin", "Hang Bac")

    def checkin(self, number, bound):
        """A check-in that must be answered 200 within bound seconds; its latency."""
        t0 = time.monotonic()
        st, r = self.d.json_sms(number, self.pho)
        dt = time.monotonic() - t0
        self.assertEqual(st, 200, "%s -> %d %r" % (number, st, r))
        self.assertIn("Pho Thin", r[0])
        self.assertLess(dt, bound, "check-in took %.2f s" % dt)
        return dt

    def assertStored(self, numbers):
        for n in numbers:
            self.assertEqual(self.d.count("checkins", "number = ?", (harness.e164(n),)), 1, n)

    def assertPrivateLog(self, secrets):
        """No info or warn line carries any of secrets."""
        for line in self.d.log().splitlines():
            if "level=debug" in line:
                continue
            for s in secrets:
                self.assertNotIn(s, line, "personal data at info/warn level: %r" % line)


class CrowdTest(LimitCase):
    """2,000 idle connections and 100 slow-loris senders on the webhook port,
    more than max_connections, while check-ins come in."""

    http_extra = "max_connections = %d; timeout = %d;" % (CROWD_MAX, CROWD_TIMEOUT)

    def test_crowd(self):
        if NOFILE < IDLE + SLOW + 200:
            self.skipTest("RLIMIT_NOFILE %d cannot hold the crowd" % NOFILE)
        pid = self.d.proc.pid
        base = at_rest(self.d)
        sampler = Sampler(pid)
        sampler.start()
        idle, loris = [], None
        numbers, worst = [], 0.0
        try:
            for _ in range(IDLE):
                idle.append(connect(self.d.port))
            loris = Loris(self.d.port, SLOW, every=2.0)
            loris.start()
            crowded_at = time.monotonic()

            # Check-ins keep coming while the crowd is there, and past its
            # timeout: each answered at once and stored.
            k = 0
            while time.monotonic() - crowded_at < CROWD_TIMEOUT + 2:
                n = "0914%06d" % k
                worst = max(worst, self.checkin(n, harness.stretch(3.0)))
                numbers.append(n)
                k += 1
                time.sleep(0.1)
            self.assertStored(numbers)

            # Every slow-loris sender was cut within the timeout (or made
            # room earlier), though it never stopped sending.
            end = time.monotonic() + CROWD_TIMEOUT + harness.stretch(5)
            while None in loris.closed and time.monotonic() < end:
                time.sleep(0.1)
            for i, c in enumerate(loris.closed):
                self.assertIsNotNone(c, "slow-loris %d still open after %.1f s (%d bytes)"
                                     % (i, time.monotonic() - loris.opened[i], loris.sent[i]))
                self.assertLess(c - loris.opened[i], CROWD_TIMEOUT + harness.stretch(3))

            # So was every idle connection.
            end = time.monotonic() + harness.stretch(5)
            while time.monotonic() < end and not all(closed_by_peer(s) for s in idle):
                time.sleep(0.1)
            still = sum(1 for s in idle if not closed_by_peer(s))
            self.assertEqual(still, 0, "%d idle connections still open" % still)
        finally:
            if loris is not None:
                loris.stop()
            for s in idle:
                s.close()
            most = sampler.stop()

        # The limit held, and was reached: the test measured something.
        self.assertLessEqual(most - base, CROWD_MAX + FD_SLACK,
                             "daemon had %d descriptors, %d at rest" % (most, base))
        self.assertGreaterEqual(most - base, CROWD_MAX * 0.9,
                                "the crowd never filled the listener (%d, %d at rest)"
                                % (most, base))
        print("\n  crowd: descriptors most=%d at rest=%d; slowest check-in %.3f s"
              % (most, base, worst))

        # Descriptors come back once the crowd is gone.
        end = time.monotonic() + harness.stretch(5)
        while fd_count(pid) > base + 2 and time.monotonic() < end:
            time.sleep(0.1)
        self.assertLessEqual(fd_count(pid), base + 2, fd_list(pid))
        self.assertTrue(self.d.alive())
        self.checkin("0914999999", harness.stretch(3.0))
        self.assertPrivateLog([n for n in numbers] + [harness.e164(n) for n in numbers])


class TimeoutTest(LimitCase):
    """http.timeout bounds a whole request, not one read."""

    http_extra = "timeout = %d;" % SLOW_TIMEOUT

    def test_slowloris_cut_at_timeout(self):
        """A byte a second never trips a per-read timeout; the request's deadline does."""
        loris = Loris(self.d.port, SLOW, every=1.0)
        loris.start()
        try:
            numbers = []
            for k in range(10):
                n = "0915%06d" % k
                self.checkin(n, harness.stretch(2.0))
                numbers.append(n)
                time.sleep(0.1)
            self.assertStored(numbers)
            end = time.monotonic() + SLOW_TIMEOUT + harness.stretch(5)
            while None in loris.closed and time.monotonic() < end:
                time.sleep(0.1)
        finally:
            loris.stop()
        for i, c in enumerate(loris.closed):
            self.assertIsNotNone(c, "slow-loris %d never cut (%d bytes sent)" % (i, loris.sent[i]))
            took = c - loris.opened[i]
            self.assertGreater(loris.sent[i], SLOW_TIMEOUT - 1, "it did not trickle")
            self.assertGreater(took, SLOW_TIMEOUT * 0.5, "cut before its time: %.2f s" % took)
            self.assertLess(took, SLOW_TIMEOUT + harness.stretch(3), "cut late: %.2f s" % took)
        self.assertEqual(self.d.count("inbound"), len(numbers))

    def test_trickled_body_cut(self):
        """Headers whole, a body trickled a byte a second: cut, nothing stored."""
        body = json.dumps({"from": "0915100001", "to": "8088", "text": self.pho,
                           "id": "trickle-1"}).encode()
        s = connect(self.d.port)
        try:
            s.sendall(b"POST /sms/json HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      b"Content-Length: %d\r\n\r\n" % len(body))
            t0, i = time.monotonic(), 0
            end = t0 + SLOW_TIMEOUT + harness.stretch(5)
            while not closed_by_peer(s) and time.monotonic() < end:
                if i < len(body) - 1 and time.monotonic() - t0 >= i:
                    s.send(body[i:i + 1])
                    i += 1
                time.sleep(0.02)
            took = time.monotonic() - t0
            self.assertTrue(closed_by_peer(s), "still open after %.1f s" % took)
            self.assertLess(took, SLOW_TIMEOUT + harness.stretch(3))
            self.assertGreater(i, SLOW_TIMEOUT - 1)
        finally:
            s.close()
        self.assertEqual(self.d.count("inbound"), 0)

    def test_idle_keepalive_closed(self):
        """After an answer, a keep-alive connection idle for the timeout is closed;
        so is one that never sent a byte."""
        quiet = connect(self.d.port)
        s = connect(self.d.port)
        try:
            body = json.dumps({"from": "0915200001", "to": "8088", "text": self.pho,
                               "id": "keepalive-1"}).encode()
            s.sendall(b"POST /sms/json HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      b"Content-Length: %d\r\n\r\n" % len(body) + body)
            s.settimeout(harness.stretch(5))
            resp = b""
            while b"\r\n\r\n" not in resp:
                c = s.recv(65536)
                self.assertTrue(c, "closed before answering")
                resp += c
            self.assertTrue(resp.startswith(b"HTTP/1.1 200"), resp[:100])
            t0 = time.monotonic()
            while time.monotonic() - t0 < SLOW_TIMEOUT + harness.stretch(5):
                if closed_by_peer(s) and closed_by_peer(quiet):
                    break
                time.sleep(0.05)
            took = time.monotonic() - t0
            self.assertTrue(closed_by_peer(s), "keep-alive open after %.1f s" % took)
            self.assertTrue(closed_by_peer(quiet), "silent connection open after %.1f s" % took)
            self.assertLess(took, SLOW_TIMEOUT + harness.stretch(3))
        finally:
            s.close()
            quiet.close()
        self.assertStored(["0915200001"])


class LimitReloadTest(LimitCase):
    """SIGHUP applies new limits to the connections already open."""

    http_extra = "timeout = 30;"

    def test_reload_limits(self):
        pid = self.d.proc.pid
        base = at_rest(self.d)
        idle = [connect(self.d.port) for _ in range(20)]
        try:
            time.sleep(0.3)
            self.assertEqual(sum(1 for s in idle if closed_by_peer(s)), 0)
            self.d.http_extra = "timeout = 1; max_connections = 5;"
            self.d.write_config()
            self.d.signal(signal.SIGHUP)
            t0 = time.monotonic()
            while time.monotonic() - t0 < 1 + harness.stretch(5):
                if all(closed_by_peer(s) for s in idle):
                    break
                time.sleep(0.05)
            took = time.monotonic() - t0
            self.assertTrue(all(closed_by_peer(s) for s in idle),
                            "open %.1f s after the reload shortened the timeout" % took)
            opened = time.monotonic()
            more = [connect(self.d.port) for _ in range(20)]
            try:
                self.checkin("0915600001", harness.stretch(2.0))
                # max_connections made room, not the timeout: wait no longer
                # than the first of them could take to time out.
                harness.wait_for(lambda: fd_count(pid) - base <= 5 + 2,
                                 max(harness.stretch(0.3), opened + 1 - time.monotonic()))
                self.assertLessEqual(fd_count(pid) - base, 5 + 2, fd_list(pid))
            finally:
                for s in more:
                    s.close()
        finally:
            for s in idle:
                s.close()
        self.assertStored(["0915600001"])


def cpu_seconds(pid):
    """User and system CPU time process pid has used."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class DescriptorsTest(LimitCase):
    """Out of descriptors: accept() fails with EMFILE while the connection
    waits in the backlog, so the socket stays readable. The listener must
    rest, not spin, and serve again once descriptors come back."""

    http_extra = "timeout = %d;" % SLOW_TIMEOUT

    def test_emfile_does_not_spin(self):
        pid = self.d.proc.pid
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.prlimit(pid, resource.RLIMIT_NOFILE, (at_rest(self.d) + 20, hard))
        idle = []
        try:
            for _ in range(60):
                idle.append(connect(self.d.port))
            # Out of descriptors by now (the first complaint), then 2 s at rest.
            harness.wait_for(lambda: "Too many open files" in self.d.log(),
                             harness.stretch(10))
            c0, t0 = cpu_seconds(pid), time.monotonic()
            time.sleep(2.0)
            used, spent = cpu_seconds(pid) - c0, time.monotonic() - t0
            # A spinning loop retries accept() (and complains) without end;
            # a resting one wakes once a second.
            complaints = self.d.log().count("Too many open files")
            self.assertGreaterEqual(complaints, 1, "never ran out of descriptors")
            self.assertLessEqual(complaints, 2, "%d complaints: it spins" % complaints)
            self.assertLess(used, 0.1 * spent, "%.2f s of CPU in %.2f s" % (used, spent))
            # The idle ones time out, descriptors come back, a check-in gets through.
            st, r = self.d.json_sms("0915500001", self.pho)
            self.assertEqual(st, 200, r)
        finally:
            for s in idle:
                s.close()
        self.assertStored(["0915500001"])


class SizeTest(LimitCase):
    """Headers and bodies over their limits: a 4xx with a reason, no hang, nothing stored."""

    def test_headers_too_large(self):
        for junk in (b"X-Big: " + b"a" * 10000 + b"\r\n",
                     b"".join(b"X-H%d: %s\r\n" % (i, b"b" * 60) for i in range(300))):
            t0 = time.monotonic()
            st, resp = raw(self.d.port, b"POST /sms/json HTTP/1.1\r\nHost: x\r\n" + junk +
                           b"Content-Length: 2\r\nConnection: close\r\n\r\n{}")
            self.assertIn(st, (400, 413, 431), resp[:200])
            self.assertLess(time.monotonic() - t0, harness.stretch(5))
        self.assertEqual(self.d.count("inbound"), 0)

    def test_body_just_over(self):
        """Over http.max_body by a little: our 413 and a one-line reason."""
        msg = {"from": "0915300001", "to": "8088", "text": "x" * 20000, "id": "big-1"}
        st, h, b = self.d.json_post(msg)
        self.assertEqual(st, 413, b)
        self.assertEqual(b.decode().strip(), "the body is larger than 16384 bytes")
        self.assertEqual(self.d.count("inbound"), 0)

    def test_body_far_over(self):
        """2 MB sent in full: the 413 reaches the client (no reset), again and again."""
        body = b"{" + b" " * (2 * 1024 * 1024) + b"}"
        for _ in range(3):
            t0 = time.monotonic()
            st, resp = raw(self.d.port, b"POST /sms/json HTTP/1.1\r\nHost: x\r\n"
                           b"Content-Type: application/json\r\nContent-Length: %d\r\n"
                           b"Connection: close\r\n\r\n" % len(body) + body)
            self.assertEqual(st, 413, resp[:200])
            self.assertLess(time.monotonic() - t0, harness.stretch(10))
        self.assertEqual(self.d.count("inbound"), 0)
        self.checkin("0915300002", harness.stretch(2.0))

    def test_parse_errors_keep_text_out_of_info(self):
        """A broken JSON body quoting a number and a text: refused 400, and the
        info line says why without the quote."""
        n, text = "0915399999", "toi o nha so 12"
        st, h, b = self.d.json_post('{"from":"%s","text":"%s' % (n, text))
        self.assertEqual(st, 400, b)
        self.d.json_post('{"from":"%s","text":"%s" "x"}' % (n, text))
        self.checkin("0915300003", harness.stretch(2.0))
        lines = [l for l in self.d.log().splitlines() if "status=400" in l
                 and "level=info" in l]
        self.assertTrue(lines, "no info line for the refusals")
        self.assertPrivateLog([n, harness.e164(n), text, "so 12"])


class AdminLimitTest(harness.AdminCase):
    """The admin listener's own limits: connections, timeout, sizes; tokens never logged."""

    ADMIN_MAX = 8
    admin_extra = "max_connections = %d; timeout = %d;" % (ADMIN_MAX, SLOW_TIMEOUT)

    def venues(self):
        self.pho = self.d.add_venue("Pho Thin", "Hang Bac")

    def test_crowd_and_slowloris(self):
        pid = self.d.proc.pid
        base = at_rest(self.d)
        opened = time.monotonic()
        idle = [connect(self.d.admin_port) for _ in range(40)]
        loris = Loris(self.d.admin_port, 5, every=1.0)
        loris.start()
        try:
            t0 = time.monotonic()
            st, h, b = self.d.admin_http("GET", "/healthz")
            self.assertEqual(st, 200, b)
            st, j = self.d.admin_json("GET", "/api/venues", who="admin1")
            self.assertEqual(st, 200, j)
            self.assertLess(time.monotonic() - t0, harness.stretch(3.0))
            # Room was made: at most max_connections stay open. By the
            # limit, not the timeout: wait no longer than the first
            # connection could take to time out.
            room = len(idle) + len(loris.socks) - self.ADMIN_MAX
            harness.wait_for(lambda: (fd_count(pid) - base <= self.ADMIN_MAX + 2 and
                                      sum(1 for s in idle if closed_by_peer(s)) >= room),
                             max(harness.stretch(0.3), opened + SLOW_TIMEOUT - time.monotonic()))
            self.assertLessEqual(fd_count(pid) - base, self.ADMIN_MAX + 2, fd_list(pid))
            self.assertGreaterEqual(sum(1 for s in idle if closed_by_peer(s)),
                                    len(idle) + len(loris.socks) - self.ADMIN_MAX)
            end = time.monotonic() + SLOW_TIMEOUT + harness.stretch(5)
            while None in loris.closed and time.monotonic() < end:
                time.sleep(0.1)
            for i, c in enumerate(loris.closed):
                self.assertIsNotNone(c, "admin slow-loris %d never cut" % i)
                self.assertLess(c - loris.opened[i], SLOW_TIMEOUT + harness.stretch(3))
        finally:
            loris.stop()
            for s in idle:
                s.close()

    def test_sizes(self):
        st, resp = raw(self.d.admin_port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " +
                       b"a" * 10000 + b"\r\nConnection: close\r\n\r\n")
        self.assertIn(st, (400, 413, 431), resp[:200])
        st, body = self.d.admin_json("POST", "/api/venues", "x" * 70000)
        self.assertEqual(st, 413, body)
        self.assertIn("larger than", body)
        self.assertNotIn("\n", body.strip())

    def test_tokens_never_logged(self):
        wrong = "wrong-%032x" % 12345
        st, h, b = self.d.admin_http("GET", "/api/venues", token=wrong)
        self.assertEqual(st, 401)
        st, h, b = self.d.admin_http("GET", "/api/venues", who="admin1")
        self.assertEqual(st, 200)
        st, h, b = self.d.admin_http(
            "POST", "/login", "token=" + self.d.token("tracer1"),
            headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(st, 303, b)
        log = self.d.log()
        for name, (role, tok) in self.d.tokens.items():
            self.assertNotIn(tok, log, "token of %s in the log" % name)
        self.assertNotIn(wrong, log)


if __name__ == "__main__":
    harness.main(240)

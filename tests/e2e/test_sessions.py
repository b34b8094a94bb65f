"""Dashboard sessions (issue 21 "Security", items 4 and 6), src/officials/admin.c.

Item 4: a session is bound to its token's SHA-256. A reload (SIGHUP) that
changes or removes the token ends its sessions at once; POST /logout ends
the session and clears the cookie; `checkinctl sessions` lists the
sessions by token name without their ids or tokens; the database keeps
only a hash of the cookie's value.

Item 6: POST /login and the dashboard's form POSTs refuse a cross-site
request (Sec-Fetch-Site other than same-origin/none, or an Origin that is
not the request's own scheme://Host) with 403; the cookie is Secure when
admin.secure_cookies is set, or when X-Forwarded-Proto: https comes from an
address of admin.proxies, and only then.
"""

import hashlib
import re
import signal
import subprocess
import time
import urllib.parse

import harness

COOKIE_RE = re.compile(r"checkind_session=([0-9a-f]{64});")


def login_answer(d, who="tracer1", headers=None):
    """POST /login: (status, headers, body)."""
    body = urllib.parse.urlencode({"token": d.token(who)})
    h = {"Content-Type": "application/x-www-form-urlencoded"}
    h.update(headers or {})
    return d.admin_http("POST", "/login", body, headers=h)


def login(d, who="tracer1", headers=None):
    """A session cookie's value, or an AssertionError."""
    st, h, b = login_answer(d, who, headers)
    if st != 303:
        raise AssertionError("login -> %d %r" % (st, b[:200]))
    m = COOKIE_RE.match(h.get("set-cookie", ""))
    if m is None:
        raise AssertionError("login gave no session cookie: %r" % h.get("set-cookie"))
    return m.group(1)


def page(d, path, cookie):
    st, h, b = d.admin_http("GET", path, headers={"Cookie": "checkind_session=" + cookie})
    return st, h


class SessionCase(harness.AdminCase):

    def venues(self):
        self.code = self.d.add_venue("Pho Thin", "Hang Bac")

    def reloads(self):
        return self.d.log().count("configuration reloaded")

    def hup(self):
        n = self.reloads()
        self.d.write_config()
        self.d.signal(signal.SIGHUP)
        harness.wait_until(lambda: self.reloads() > n, harness.stretch(10),
                           "the reload", self.d)

    def assertSignedIn(self, cookie, path="/dashboard"):
        st, h = page(self.d, path, cookie)
        self.assertEqual(st, 200, "%s with the cookie -> %d" % (path, st))

    def assertSignedOut(self, cookie, path="/dashboard"):
        st, h = page(self.d, path, cookie)
        self.assertEqual(st, 303, "%s with the cookie -> %d" % (path, st))
        self.assertEqual(h.get("location"), "/login")

    def sessions(self):
        """checkinctl sessions: the lines after the header, split at tabs."""
        p = subprocess.run([self.d.checkinctl, "-d", self.d.dbpath, "sessions"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=harness.stretch(30))
        out = p.stdout.decode()
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = out.splitlines()
        self.assertEqual(lines[0], "token\tcreated\tlast_used\texpires")
        return out, [l.split("\t") for l in lines[1:]]


class Sessions(SessionCase):

    def test_reload_changing_the_token_ends_its_sessions(self):
        t1 = login(self.d, "tracer1")
        a1 = login(self.d, "admin1")
        self.assertSignedIn(t1)
        self.assertSignedIn(t1, "/venue/" + self.code)
        self.assertSignedIn(a1)
        # A reload that leaves both tokens as they are ends nothing.
        self.hup()
        self.assertSignedIn(t1)
        # Same name, same role, a new token: its sessions end at the reload.
        self.d.tokens["tracer1"] = ("tracer", "tracer1-new-%d" % time.time_ns())
        self.hup()
        self.assertSignedOut(t1, "/venue/" + self.code)
        self.assertSignedOut(t1, "/venue/%s/poster.png" % self.code)
        self.assertSignedOut(t1)
        self.assertSignedIn(a1)
        # The new token signs in again.
        self.assertSignedIn(login(self.d, "tracer1"))

    def test_reload_removing_the_token_ends_its_sessions(self):
        a1 = login(self.d, "admin1")
        t1 = login(self.d, "tracer1")
        del self.d.tokens["admin1"]
        self.hup()
        self.assertSignedOut(a1)
        self.assertSignedIn(t1)

    def test_reload_ends_sessions_at_once(self):
        """The reload itself ends them: no request with the cookie is needed."""
        t1 = login(self.d, "tracer1")
        login(self.d, "admin1")
        self.assertEqual(self.d.count("admin_sessions"), 2)
        self.hup()
        self.assertEqual(self.d.count("admin_sessions"), 2)
        self.d.tokens["tracer1"] = ("tracer", "tracer1-new-%d" % time.time_ns())
        self.hup()
        self.assertEqual(self.d.count("admin_sessions", "token_name = 'tracer1'"), 0)
        self.assertEqual(self.d.count("admin_sessions", "token_name = 'admin1'"), 1)
        self.assertSignedOut(t1)

    def test_logout_ends_the_session(self):
        c = login(self.d)
        other = login(self.d)
        self.assertSignedIn(c)
        st, h, b = self.d.admin_http("POST", "/logout", "", headers={
            "Cookie": "checkind_session=" + c,
            "Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(st, 303, b)
        self.assertEqual(h.get("location"), "/login")
        self.assertIn("checkind_session=;", h.get("set-cookie", ""))
        self.assertIn("Max-Age=0", h.get("set-cookie", ""))
        self.assertSignedOut(c)
        self.assertEqual(self.d.count("admin_sessions"), 1)
        self.assertSignedIn(other)

    def test_sessions_listed_never_their_ids(self):
        t1 = login(self.d, "tracer1")
        t2 = login(self.d, "tracer1")
        a1 = login(self.d, "admin1")
        out, rows = self.sessions()
        self.assertEqual([r[0] for r in rows], ["admin1", "tracer1", "tracer1"], out)
        now = time.time()
        for r in rows:
            self.assertEqual(len(r), 4, r)
            created, used, expires = (harness.from_iso(x) for x in r[1:])
            self.assertLessEqual(abs(created - now), harness.stretch(60))
            self.assertEqual(used, created)
            self.assertEqual(expires - created, 8 * 3600)
        for secret in (t1, t2, a1, self.d.token("tracer1"), self.d.token("admin1")):
            self.assertNotIn(secret, out)
        # The database holds a hash of each cookie, never the cookie.
        dump = "\n".join("|".join(str(v) for v in row) for row in
                         self.d.query("SELECT * FROM admin_sessions"))
        for secret in (t1, t2, a1, self.d.token("tracer1")):
            self.assertNotIn(secret, dump)
        self.assertEqual(self.d.count("admin_sessions", "id_hash = ?",
                                      (hashlib.sha256(t1.encode()).hexdigest(),)), 1)
        self.assertEqual(self.d.count("admin_sessions", "token_sha256 = ?",
                                      (harness.sha256_hex(self.d.token("tracer1")),)), 2)
        # After a logout and a token's removal, the list says so.
        self.d.admin_http("POST", "/logout", "", headers={"Cookie": "checkind_session=" + t2})
        del self.d.tokens["admin1"]
        self.hup()
        out, rows = self.sessions()
        self.assertEqual([r[0] for r in rows], ["tracer1"], out)

    def test_expired_sessions_are_deleted(self):
        c = login(self.d)
        w = self.db_write()
        w.execute("UPDATE admin_sessions SET expires_at = 1000")
        w.close()
        self.assertSignedOut(c)
        login(self.d, "admin1")
        self.assertEqual(self.d.count("admin_sessions"), 1)
        self.assertEqual(self.d.count("admin_sessions", "expires_at = 1000"), 0)

    def test_a_token_keeps_its_newest_sessions(self):
        first = login(self.d, "tracer1")
        other = login(self.d, "admin1")
        w = self.db_write()
        w.execute("UPDATE admin_sessions SET created_at = created_at - 100")
        w.close()
        for _ in range(100):
            login(self.d, "tracer1")
        self.assertEqual(self.d.count("admin_sessions", "token_name = 'tracer1'"), 100)
        self.assertSignedOut(first)
        self.assertSignedIn(other)

    def test_session_lookup_uses_the_key(self):
        if self.d.pg:
            # PostgreSQL plans a tiny table as a scan whatever its indexes:
            # the key is there, first column of an index.
            self.assertGreater(self.d.scalar(
                "SELECT count(*) FROM pg_index i JOIN pg_attribute a"
                " ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]"
                " WHERE i.indrelid = 'admin_sessions'::regclass"
                " AND a.attname = 'id_hash'"), 0)
            return
        plan = self.d.query("EXPLAIN QUERY PLAN SELECT token_name FROM admin_sessions"
                            " WHERE id_hash = 'x' AND expires_at > 0")
        self.assertNotIn("SCAN", " ".join(str(r[-1]) for r in plan))


class CrossSite(SessionCase):
    """Item 6: the sign-in and sign-out forms only from our own pages."""

    def own(self):
        return "http://127.0.0.1:%d" % self.d.admin_port

    def assertRefused(self, headers, what):
        st, h, b = login_answer(self.d, headers=headers)
        self.assertEqual(st, 403, "%s: login -> %d %r" % (what, st, b))
        self.assertNotIn("set-cookie", h, what)
        self.assertIn(b"another site", b, what)
        self.assertEqual(b.count(b"\n"), 1, b)
        self.assertEqual(self.d.count("admin_sessions"), 0, what)

    def test_login_from_another_site(self):
        self.assertRefused({"Origin": "http://evil.example",
                            "Sec-Fetch-Site": "cross-site"}, "both headers")
        self.assertRefused({"Origin": "http://evil.example"}, "Origin alone")
        self.assertRefused({"Sec-Fetch-Site": "cross-site"}, "Sec-Fetch-Site alone")
        self.assertRefused({"Sec-Fetch-Site": "same-site"}, "a sibling site")
        self.assertRefused({"Origin": "null"}, "an opaque origin")
        self.assertRefused({"Origin": "https://127.0.0.1:%d" % self.d.admin_port},
                           "https without TLS")
        self.assertRefused({"Origin": self.own() + ".evil.example"}, "a longer origin")

    def test_login_from_our_page(self):
        login(self.d, headers={"Origin": self.own(), "Sec-Fetch-Site": "same-origin"})
        login(self.d, headers={"Sec-Fetch-Site": "none"})
        login(self.d, headers={"Origin": self.own().upper().replace("HTTP:", "http:")})
        login(self.d)       # no browser: neither header
        self.assertEqual(self.d.count("admin_sessions"), 4)

    def test_logout_from_another_site(self):
        c = login(self.d)
        st, h, b = self.d.admin_http("POST", "/logout", "", headers={
            "Cookie": "checkind_session=" + c, "Origin": "http://evil.example",
            "Sec-Fetch-Site": "cross-site"})
        self.assertEqual(st, 403, b)
        self.assertSignedIn(c)
        st, h, b = self.d.admin_http("POST", "/logout", "", headers={
            "Cookie": "checkind_session=" + c, "Origin": self.own(),
            "Sec-Fetch-Site": "same-origin"})
        self.assertEqual(st, 303, b)
        self.assertSignedOut(c)

    def test_cookie_not_secure_by_default(self):
        st, h, b = login_answer(self.d, headers={"X-Forwarded-Proto": "https"})
        self.assertEqual(st, 303, b)
        self.assertNotIn("Secure", h["set-cookie"])


class SecureSetting(SessionCase):
    admin_extra = "secure_cookies = true;"

    def test_secure_cookie(self):
        st, h, b = login_answer(self.d)
        self.assertEqual(st, 303, b)
        self.assertTrue(h["set-cookie"].endswith("; Secure"), h["set-cookie"])
        # Behind TLS, the browser's origin is https.
        login(self.d, headers={"Origin": "https://127.0.0.1:%d" % self.d.admin_port})


class TrustedProxy(SessionCase):
    admin_extra = 'proxies = [ "10.0.0.0/8", "127.0.0.1" ];'

    def test_forwarded_https_from_a_proxy(self):
        st, h, b = login_answer(self.d, headers={"X-Forwarded-Proto": "https"})
        self.assertEqual(st, 303, b)
        self.assertTrue(h["set-cookie"].endswith("; Secure"), h["set-cookie"])
        st, h, b = login_answer(self.d)
        self.assertNotIn("Secure", h["set-cookie"])
        st, h, b = login_answer(self.d, headers={"X-Forwarded-Proto": "http"})
        self.assertNotIn("Secure", h["set-cookie"])
        login(self.d, headers={"X-Forwarded-Proto": "https",
                               "Origin": "https://127.0.0.1:%d" % self.d.admin_port})


class UntrustedProxy(SessionCase):
    admin_extra = 'proxies = [ "10.0.0.0/8", "::1" ];'

    def test_forwarded_https_from_elsewhere(self):
        st, h, b = login_answer(self.d, headers={"X-Forwarded-Proto": "https"})
        self.assertEqual(st, 303, b)
        self.assertNotIn("Secure", h["set-cookie"])


class BadProxies(harness.unittest.TestCase):
    """A bad admin.proxies entry names file, line and setting; no start."""

    def test_bad_entry(self):
        with harness.AdminDaemon(admin_extra='proxies = [ "127.0.0.1",\n'
                                 '    "10.0.0.1/8" ];', name="BadProxies") as d:
            d.start(wait=False)
            try:
                rc = d.proc.wait(harness.stretch(10))
            except subprocess.TimeoutExpired:
                self.fail("checkind started with a bad admin.proxies")
            finally:
                d.kill9()
            log = d.log()
            self.assertEqual(rc, 1, log)
            with open(d.confpath, encoding="utf-8") as f:
                text = f.read()
            line = text[:text.index('"10.0.0.1/8"')].count("\n") + 1
            self.assertIn("%s:%d" % (d.confpath, line), log)
            self.assertIn("admin.proxies[1]", log)
            self.assertIn("host bits", log)

if __name__ == "__main__":
    harness.main(240)

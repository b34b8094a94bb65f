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
        self.assertEqual(self.d.count("admin_sessions"), 2)
        # Same name, same role, a new token: its sessions end at the reload.
        self.d.tokens["tracer1"] = ("tracer", "tracer1-new-%d" % time.time_ns())
        self.hup()
        self.assertEqual(self.d.count("admin_sessions", "token_name = 'tracer1'"), 0)
        self.assertSignedOut(t1)
        self.assertSignedOut(t1, "/venue/" + self.code)
        self.assertSignedOut(t1, "/venue/%s/poster.png" % self.code)
        self.assertSignedIn(a1)
        # The new token signs in again.
        self.assertSignedIn(login(self.d, "tracer1"))

    def test_reload_removing_the_token_ends_its_sessions(self):
        a1 = login(self.d, "admin1")
        t1 = login(self.d, "tracer1")
        del self.d.tokens["admin1"]
        self.hup()
        self.assertEqual(self.d.count("admin_sessions", "token_name = 'admin1'"), 0)
        self.assertSignedOut(a1)
        self.assertSignedIn(t1)

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

    def test_session_lookup_uses_the_key(self):
        plan = self.d.query("EXPLAIN QUERY PLAN SELECT token_name FROM admin_sessions"
                            " WHERE id_hash = 'x' AND expires_at > 0")
        self.assertNotIn("SCAN", " ".join(str(r[-1]) for r in plan))


if __name__ == "__main__":
    harness.main(240)

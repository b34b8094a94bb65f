"""The ward dashboard and venue pages, in real headless Chromium.

A daemon with an admin listener and the tokens tracer1 and admin1 gets,
before it starts, seven venues in three wards and check-ins written with
python's sqlite3 together with their daily_stats rows, so every figure on
the page is known by hand ("dN" is the local day N days ago):

    venue  ward          check-ins              flagged declarations
    A1     Hàng Bạc      d1: 3, d2: 2           1 (d1)
    A2     Hàng Bạc      d1: 1
    A3     Hàng Bạc      none                   (inactive)
    B1     Hàng Trống    d3: 4                  0 (one not flagged)
    B2     Hàng Trống    none                   (inactive)
    C1     Lý Thái Tổ    d5: 2                  2 (d5)
    C2     Lý Thái Tổ    d20: 1                 (inactive: outside 7 days)

Per ward over the last 7 days: venues 3/2/2, with check-ins 2/1/1,
check-ins 6/4/2, flagged 1/0/2; per day d1 4, d2 2, d3 4, d5 2, else 0.

Then: no token, no page (a redirect to /login; the API stays 401); the
login form takes the token in a POST body and answers with a session
cookie; the numbers, marked with data-* attributes, are checked in the
HTML and again in the DOM Chromium builds; no phone number reaches a page;
and Chromium draws the saved page at 390 and 1280 px wide.

Run with --doc DIR to write DIR/dashboard-desktop.png and
DIR/dashboard-phone.png from the demo venues (scripts/doc-images).
"""
import html.parser
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest
import urllib.parse

import harness

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
DAY = 86400

HANG_BAC, HANG_TRONG, LY_THAI_TO = "Hàng Bạc", "Hàng Trống", "Lý Thái Tổ"

# key: (name, ward, address, owner)
VENUES = {
    "A1": ('Phở <Gà> & "Bò" 49', HANG_BAC, "49 Hàng Bạc", "0912000001"),
    "A2": ("Cà phê Đinh", HANG_BAC, "13 Đinh Tiên Hoàng", "0912000002"),
    "A3": ("Tiệm vàng Kim Thành", HANG_BAC, "88 Hàng Bạc", "0912000003"),
    "B1": ("Nhà sách Tràng Tiền", HANG_TRONG, "61 Tràng Tiền", "0912000004"),
    "B2": ("Hiệu thuốc số 5", HANG_TRONG, "5 Hàng Trống", "0912000005"),
    "C1": ("Chợ Hàng Da", LY_THAI_TO, "15 Hàng Da", "0912000006"),
    "C2": ("Nhà hát Lớn", LY_THAI_TO, "1 Tràng Tiền", "0912000007"),
}

# (venue, days ago, how many check-ins)
CHECKINS = [("A1", 1, 3), ("A1", 2, 2), ("A2", 1, 1), ("B1", 3, 4), ("C1", 5, 2),
            ("C2", 20, 1)]
# (venue, days ago, flagged)
DECLS = [("A1", 1, 1), ("B1", 3, 0), ("C1", 5, 1), ("C1", 5, 1)]

WARDS = {
    HANG_BAC: {"venues": 3, "venues_used": 2, "checkins": 6, "visitors": 6, "flagged": 1},
    HANG_TRONG: {"venues": 2, "venues_used": 1, "checkins": 4, "visitors": 4, "flagged": 0},
    LY_THAI_TO: {"venues": 2, "venues_used": 1, "checkins": 2, "visitors": 2, "flagged": 2},
}
PER_DAY = {1: 4, 2: 2, 3: 4, 5: 2}
INACTIVE = ("A3", "B2", "C2")

# A phone number in any form a page could show: E.164, national, grouped.
PHONE_RE = re.compile(r"\+?84\s?9\d{8}|\b09\d{8}\b|\b091[\d .]{7,}")


class Marks(html.parser.HTMLParser):
    """The data-* attributes of a page: totals, ward rows, chart points, codes."""

    def __init__(self):
        html.parser.HTMLParser.__init__(self)
        self.totals = {}
        self.wards = {}
        self.days = {}
        self.codes = []
        self.links = []
        self._ward = None
        self._field = None
        self._total = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if tag == "tr" and "data-ward" in a:
            self._ward = a["data-ward"]
            self.wards[self._ward] = {}
        if "data-field" in a and self._ward is not None:
            self._field = a["data-field"]
        if "data-total" in a:
            self._total = a["data-total"]
        if "data-day" in a and "data-checkins" in a:
            self.days[a["data-day"]] = int(a["data-checkins"])
        if tag == "li" and "data-code" in a:
            self.codes.append(a["data-code"])

    def handle_endtag(self, tag):
        if tag == "tr":
            self._ward = None
        self._field = None
        self._total = None

    def handle_data(self, data):
        if self._field is not None and data.strip():
            self.wards[self._ward][self._field] = int(data)
        if self._total is not None and data.strip():
            self.totals[self._total] = int(data)


def marks(text):
    m = Marks()
    m.feed(text)
    m.close()
    return m


def local_date(t):
    return harness.datetime.datetime.fromtimestamp(t, harness.LOCAL_TZ).date().isoformat()


def png_size(path):
    """(width, height) from a PNG's IHDR chunk (PNG spec 11.2.2)."""
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        raise AssertionError("%s is not a PNG" % path)
    return struct.unpack(">II", head[16:24])


def chromium_argv(profile):
    if not os.access(CHROMIUM, os.X_OK):
        raise AssertionError("%s not found: install chromium (Debian package chromium)"
                             % CHROMIUM)
    return [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
            "--hide-scrollbars", "--user-data-dir=" + profile]


def screenshot(html_path, width, out, height=1800):
    """Chromium draws a saved page at width x height into out (a PNG)."""
    profile = tempfile.mkdtemp(prefix="chromium-")
    try:
        argv = chromium_argv(profile) + [
            "--window-size=%d,%d" % (width, height), "--screenshot=" + out,
            "file://" + os.path.abspath(html_path)]
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=harness.stretch(120))
        if p.returncode != 0 or not os.path.exists(out):
            raise AssertionError("chromium --screenshot exited %d: %s" % (
                p.returncode, p.stderr.decode("utf-8", "replace")[-2000:]))
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def dump_dom(html_path):
    """The DOM Chromium builds from a saved page, serialised."""
    profile = tempfile.mkdtemp(prefix="chromium-")
    try:
        argv = chromium_argv(profile) + ["--dump-dom", "file://" + os.path.abspath(html_path)]
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=harness.stretch(120))
        if p.returncode != 0:
            raise AssertionError("chromium --dump-dom exited %d: %s" % (
                p.returncode, p.stderr.decode("utf-8", "replace")[-2000:]))
        return p.stdout.decode("utf-8")
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def login(d, who="tracer1"):
    """POST /login with the token in the form body: the session cookie's value."""
    body = urllib.parse.urlencode({"token": d.token(who)})
    st, h, b = d.admin_http("POST", "/login", body, headers={
        "Content-Type": "application/x-www-form-urlencoded"})
    if st != 303:
        raise AssertionError("login -> %d %r" % (st, b[:200]))
    m = re.match(r"checkind_session=([0-9a-f]{64});", h.get("set-cookie", ""))
    if m is None:
        raise AssertionError("login gave no session cookie: %r" % h.get("set-cookie"))
    return m.group(1)


def page(d, path, cookie):
    st, h, b = d.admin_http("GET", path, headers={
        "Cookie": "checkind_session=" + cookie})
    return st, h, b.decode("utf-8")


class Dashboard(harness.AdminCase):

    def venues(self):
        self.code = {}
        for key, (name, ward, address, owner) in sorted(VENUES.items()):
            self.code[key] = self.d.add_venue(name, ward, owner=owner, address=address)
        self.vid = {k: self.d.venue_id(c) for k, c in self.code.items()}
        c = self.db_write()
        c.execute("BEGIN IMMEDIATE")
        n = 0
        for venue, ago, count in CHECKINS:
            day = harness.local_midnight(ago)
            for i in range(count):
                n += 1
                sent = day + 9 * 3600 + i * 600
                c.execute("INSERT INTO checkins (venue_id, number, companions, sent_at,"
                          " received_at, checked_out_at, channel, inbound_id)"
                          " VALUES (?, ?, 0, ?, ?, NULL, 'test', NULL)",
                          (self.vid[venue], "+8498%07d" % n, sent, sent + 3))
            c.execute("INSERT INTO daily_stats (venue_id, day, checkins, people)"
                      " VALUES (?, ?, ?, ?)", (self.vid[venue], day, count, count))
        for venue, ago, flagged in DECLS:
            at = harness.local_midnight(ago) + 10 * 3600
            c.execute("INSERT INTO declarations (number, venue_id, checkin_id,"
                      " started_at, completed_at, flagged) VALUES (?, ?, NULL, ?, ?, ?)",
                      ("+84987654321", self.vid[venue], at, at + 60, flagged))
        harness.recount_aggregates(c)
        c.execute("COMMIT")
        c.close()

    def no_phone(self, text, where):
        m = PHONE_RE.search(text)
        self.assertIsNone(m, "%s shows a phone number: %r" % (
            where, m.group(0) if m else None))

    def test_refused_without_token(self):
        for path in ("/dashboard", "/dashboard?lang=en", "/venue/" + self.code["A1"],
                     "/venue/%s/poster.pdf" % self.code["A1"]):
            st, h, b = self.d.admin_http("GET", path)
            self.assertEqual(st, 303, path)
            self.assertEqual(h.get("location"), "/login", path)
            self.assertNotIn(b"Ph", b)
        for path in ("/api/reports/wards?from=0&to=1", "/api/reports/inactive"):
            st, h, b = self.d.admin_http("GET", path)
            self.assertEqual(st, 401, path)
        # a wrong bearer token on a page is a 401, not a page
        st, h, b = self.d.admin_http("GET", "/dashboard", token="nope")
        self.assertEqual(st, 401)
        # a made-up cookie is no session
        st, h, b = self.d.admin_http("GET", "/dashboard", headers={
            "Cookie": "checkind_session=" + "ab" * 32})
        self.assertEqual(st, 303)

    def test_login(self):
        st, h, b = self.d.admin_http("GET", "/login")
        self.assertEqual(st, 200)
        self.assertIn("text/html", h["content-type"])
        self.assertIn('name="token"', b.decode("utf-8"))
        self.assertIn('method="post"', b.decode("utf-8"))
        for body in ("token=wrong", "", "token=", "token=%s%%00" % self.d.token("tracer1"),
                     "nottoken=" + self.d.token("tracer1")):
            st, h, b = self.d.admin_http("POST", "/login", body, headers={
                "Content-Type": "application/x-www-form-urlencoded"})
            self.assertEqual(st, 401, body)
            self.assertNotIn("set-cookie", h, body)
            self.assertIn('id="failed"', b.decode("utf-8"))
        cookie = login(self.d)
        st, h, b = self.d.admin_http("POST", "/login",
                                     "token=" + self.d.token("admin1"),
                                     headers={"Content-Type":
                                              "application/x-www-form-urlencoded"})
        self.assertEqual(st, 303)
        self.assertEqual(h["location"], "/dashboard")
        sc = h["set-cookie"]
        for attr in ("HttpOnly", "SameSite=Strict", "Path=/"):
            self.assertIn(attr, sc)
        self.assertNotIn(self.d.token("admin1"), sc + h["location"])
        st, h, text = page(self.d, "/dashboard", cookie)
        self.assertEqual(st, 200)
        # the cookie is for pages only: the API still wants a bearer token
        st, h, b = self.d.admin_http("GET", "/api/reports/inactive", headers={
            "Cookie": "checkind_session=" + cookie})
        self.assertEqual(st, 401)
        # a bearer token opens the pages too
        st, h, b = self.d.admin_http("GET", "/dashboard", who="tracer1")
        self.assertEqual(st, 200)
        # two sessions are two cookies
        other = login(self.d)
        self.assertNotEqual(other, cookie)
        # signed out, the cookie opens nothing; the other session lives on
        st, h, b = self.d.admin_http("GET", "/logout", headers={
            "Cookie": "checkind_session=" + cookie})
        self.assertEqual(st, 303)
        self.assertIn("Max-Age=0", h["set-cookie"])
        st, h, text = page(self.d, "/dashboard", cookie)
        self.assertEqual(st, 303)
        st, h, text = page(self.d, "/dashboard", other)
        self.assertEqual(st, 200)
        self.assertNotIn(self.d.token("tracer1"), self.d.log())

    def check_numbers(self, text, where):
        m = marks(text)
        self.assertEqual(m.wards, WARDS, where)
        self.assertEqual(m.totals.get("venues"), 7, where)
        self.assertEqual(m.totals.get("venues_used"), 4, where)
        self.assertEqual(m.totals.get("checkins"), 12, where)
        self.assertEqual(m.totals.get("flagged"), 3, where)
        self.assertEqual(m.totals.get("inactive"), 3, where)
        want = {local_date(harness.local_midnight(i)): PER_DAY.get(i, 0) for i in range(7)}
        self.assertEqual(m.days, want, where)
        self.assertEqual(sorted(m.codes), sorted(self.code[k] for k in INACTIVE), where)
        return m

    def test_numbers(self):
        cookie = login(self.d)
        st, h, text = page(self.d, "/dashboard", cookie)
        self.assertEqual(st, 200)
        self.assertEqual(h["content-type"], "text/html; charset=UTF-8")
        self.assertIn("default-src 'none'", h["content-security-policy"])
        m = self.check_numbers(text, "html")
        for k in INACTIVE:
            self.assertIn("/venue/%s/poster.pdf" % self.code[k], m.links)
            self.assertIn("/venue/%s" % self.code[k], m.links)
        # Vietnamese by default, English by the switch
        self.assertIn('lang="vi"', text)
        self.assertIn("Phường", text)
        self.assertIn("Lượt check-in mỗi ngày", text)
        switch = [l for l in m.links if "lang=en" in l]
        self.assertEqual(len(switch), 1, m.links)
        st, h, en = page(self.d, switch[0].replace("&amp;", "&"), cookie)
        self.assertEqual(st, 200)
        self.assertIn('lang="en"', en)
        self.assertIn("Check-ins per day", en)
        self.assertNotIn("Phường<", en)
        self.check_numbers(en, "english")
        # escaped, never markup
        self.assertNotIn("<Gà>", text)
        # no owner numbers, no visitor numbers
        self.no_phone(text, "dashboard")
        self.no_phone(en, "dashboard (en)")
        # nothing but the page itself: no script, nothing fetched
        self.assertNotIn("<script", text)
        self.assertIsNone(re.search(r"(src|href)=\"(https?:)?//", text))
        # an explicit period: d3 only
        q = urllib.parse.urlencode({"from": harness.local_midnight(3),
                                    "to": harness.local_midnight(2)})
        st, h, t3 = page(self.d, "/dashboard?" + q, cookie)
        self.assertEqual(st, 200)
        m3 = marks(t3)
        self.assertEqual(m3.totals["checkins"], 4)
        self.assertEqual(m3.wards[HANG_TRONG]["checkins"], 4)
        self.assertEqual(list(m3.days.values()), [4])
        for bad in ("days=0", "days=abc", "from=x&to=y", "from=10&to=5"):
            st, h, b = page(self.d, "/dashboard?" + bad, cookie)
            self.assertEqual(st, 400, bad)

    def test_venue_page(self):
        cookie = login(self.d)
        st, h, text = page(self.d, "/venue/" + self.code["A1"], cookie)
        self.assertEqual(st, 200)
        code = self.code["A1"]
        self.assertIn(harness.group(code), text)
        self.assertIn("Phở &lt;Gà&gt; &amp; &quot;Bò&quot; 49", text)
        self.assertIn("49 Hàng Bạc", text)
        m = marks(text)
        self.assertIn("/venue/%s/poster.pdf" % code, m.links)
        self.assertIn("/venue/%s/poster.png" % code, m.links)
        self.assertEqual(len(m.days), 14)
        want = {local_date(harness.local_midnight(i)): 0 for i in range(14)}
        want[local_date(harness.local_midnight(1))] = 3
        want[local_date(harness.local_midnight(2))] = 2
        self.assertEqual(m.days, want)
        self.assertEqual(m.totals["checkins"], 5)
        self.no_phone(text, "venue page")
        # grouped codes are found too; unknown ones are not
        st, h, b = page(self.d, "/venue/" + urllib.parse.quote(harness.group(code)),
                        cookie)
        self.assertEqual(st, 200)
        st, h, b = page(self.d, "/venue/" + harness.fresh_code(self.code.values()),
                        cookie)
        self.assertEqual(st, 404)
        st, h, en = page(self.d, "/venue/%s?lang=en" % code, cookie)
        self.assertIn("Check-ins, last 14 days", en)

    def test_poster_downloads(self):
        cookie = login(self.d)
        code = self.code["C1"]
        st, h, b = self.d.admin_http("GET", "/venue/%s/poster.pdf" % code, headers={
            "Cookie": "checkind_session=" + cookie})
        self.assertEqual(st, 200, b[:200])
        self.assertEqual(h["content-type"], "application/pdf")
        self.assertTrue(b.startswith(b"%PDF-"))
        st, h, b = self.d.admin_http("GET", "/venue/%s/poster.png" % code, who="tracer1")
        self.assertEqual(st, 200, b[:200])
        self.assertEqual(h["content-type"], "image/png")
        self.assertTrue(b.startswith(b"\x89PNG\r\n\x1a\n"))
        st, h, b = self.d.admin_http("GET", "/venue/%s/poster.gif" % code, who="tracer1")
        self.assertEqual(st, 404)

    def test_chromium(self):
        cookie = login(self.d)
        st, h, text = page(self.d, "/dashboard", cookie)
        self.assertEqual(st, 200)
        tmp = tempfile.mkdtemp(prefix="dash-")
        self.addCleanup(shutil.rmtree, tmp, True)
        path = os.path.join(tmp, "dashboard.html")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        dom = dump_dom(path)
        self.assertIn("<svg", dom)
        self.check_numbers(dom, "chromium dom")
        for width in (390, 1280):
            out = os.path.join(tmp, "dashboard-%d.png" % width)
            screenshot(path, width, out)
            size = os.path.getsize(out)
            self.assertGreater(size, 10000, "%s is %d bytes" % (out, size))
            w, hgt = png_size(out)
            self.assertEqual(w, width)
            self.assertEqual(hgt, 1800)
        st, h, vtext = page(self.d, "/venue/" + self.code["A1"], cookie)
        vpath = os.path.join(tmp, "venue.html")
        with open(vpath, "w", encoding="utf-8") as f:
            f.write(vtext)
        vdom = dump_dom(vpath)
        self.assertEqual(len(marks(vdom).days), 14)


def doc_images(outdir):
    """The README's screenshots: demo venues, a few weeks of made-up check-ins."""
    import random
    rnd = random.Random(2021)
    d = harness.AdminDaemon(name="doc-images", outbound=lambda d: harness.NULL_ROUTE)
    d.__enter__()
    try:
        csv = os.path.join(harness.env("CHECKIND_SRCDIR"), "conf", "demo-venues.csv")
        subprocess.run([d.checkinctl, "-d", d.dbpath, "venue", "import", csv],
                       check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, timeout=harness.stretch(60))
        c = harness.sqlite3.connect(d.dbpath, isolation_level=None)
        c.execute("BEGIN IMMEDIATE")
        ids = [r[0] for r in c.execute("SELECT id FROM venues WHERE active = 1 ORDER BY id")]
        n = 0
        for vid in ids:
            if rnd.random() < 0.2:
                continue
            rate = rnd.uniform(1, 12)
            for ago in range(0, 8):
                day = harness.local_midnight(ago)
                count = max(0, int(rnd.gauss(rate, rate / 3)))
                if count == 0:
                    continue
                for i in range(count):
                    n += 1
                    c.execute("INSERT INTO checkins (venue_id, number, companions,"
                              " sent_at, received_at, channel) VALUES (?, ?, 0, ?, ?,"
                              " 'demo')", (vid, "+8497%07d" % n, day + 3600 + i,
                                           day + 3600 + i))
                c.execute("INSERT INTO daily_stats (venue_id, day, checkins, people)"
                          " VALUES (?, ?, ?, ?)", (vid, day, count, count))
                if rnd.random() < 0.05:
                    c.execute("INSERT INTO declarations (number, venue_id, started_at,"
                              " completed_at, flagged) VALUES (?, ?, ?, ?, 1)",
                              ("+84970000000", vid, day + 7200, day + 7260))
        harness.recount_aggregates(c)
        c.execute("COMMIT")
        c.close()
        d.start()
        st, h, text = page(d, "/dashboard", login(d))
        if st != 200:
            raise AssertionError("/dashboard -> %d" % st)
        tmp = tempfile.mkdtemp(prefix="dash-")
        try:
            path = os.path.join(tmp, "dashboard.html")
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            os.makedirs(outdir, exist_ok=True)
            screenshot(path, 1280, os.path.join(outdir, "dashboard-desktop.png"), 1400)
            screenshot(path, 390, os.path.join(outdir, "dashboard-phone.png"), 2400)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    finally:
        d.__exit__(None, None, None)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--doc":
        harness.watchdog(harness.stretch(300))
        try:
            doc_images(sys.argv[2])
        finally:
            harness.kill_all()
    else:
        harness.main(timeout=600)

"""The ward's own workflow (issue 18): scope, lifecycle, inspections,
registrations by SMS, the district roll-up and fraud flags.

A daemon with four tokens: tracer1 and admin1 (the district's), hb_admin
(an admin scoped to Hàng Bạc) and ht_tracer (a tracer scoped to Hàng
Trống). Before it starts the crafted dataset is made with checkinctl:

    ward        venue   state                    check-ins (by SMS)
    Hàng Bạc    A1      code, committed          3
    Hàng Bạc    A2      code                     0
    Hàng Bạc    L1, L2  listed (import --listed)
    Hàng Trống  B1      code, committed          1
    Hàng Trống  B2      code                     0
    Hàng Trống  L3      listed

so the roll-up is known by hand: Hàng Bạc listed 4, with a code 2,
committed 1, with check-ins 1, check-ins 3; Hàng Trống 3, 2, 1, 1, 1.
"""
import csv
import io
import json
import os
import re
import subprocess
import time
import urllib.parse

import harness

HB, HT = "Hàng Bạc", "Hàng Trống"
TOKENS = (("tracer1", "tracer"), ("admin1", "admin"), ("hb_admin", "admin"),
          ("ht_tracer", "tracer"))
WARD_OF = {"hb_admin": HB, "ht_tracer": HT}
INSPECTOR = "0913000001"
STRANGER = "0913000002"
OWNER1, OWNER2, OWNER3, OWNER4 = "0914000001", "0914000002", "0914000003", "0914000004"
COOKIE_RE = re.compile(r"checkind_session=([0-9a-f]{64});")
CSRF_RE = re.compile(r'name="csrf" value="([0-9a-f]{64})"')


class WardDaemon(harness.AdminDaemon):
    """An AdminDaemon whose tokens of WARD_OF carry a ward."""

    def admin_conf(self):
        toks = []
        for n, (r, t) in sorted(self.tokens.items()):
            kw = {"name": n, "role": r, "sha256": harness.sha256_hex(t)}
            if n in WARD_OF:
                kw["ward"] = WARD_OF[n]
            toks.append(harness.lc_group(**kw))
        return """admin = {
  listen = "127.0.0.1:%d";
  tokens = (
    %s
  );
};
""" % (self.admin_port, ",\n    ".join(toks))


class Base(harness.AdminCase):

    extra = ""

    def setUp(self):
        text = self.outbound_text
        self.d = WardDaemon(tokens=TOKENS, extra=self.extra, name=type(self).__name__,
                            outbound=lambda d: text)
        self.d.__enter__()
        self.addCleanup(self._cleanup)
        self.venues()
        self.d.start()

    def ctl(self, *args, ok=True):
        p = subprocess.run([self.d.checkinctl, "-d", self.d.dbpath] + list(args),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=harness.stretch(30))
        if ok:
            self.assertEqual(p.returncode, 0, (args, p.stdout, p.stderr))
        return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")

    def venues(self):
        self.code = {}
        self.code["A1"] = self.d.add_venue("Phở Bát Đàn", HB, owner="0912000001")
        self.code["A2"] = self.d.add_venue("Cà phê Giảng", HB)
        self.code["B1"] = self.d.add_venue("Nhà sách Tràng Tiền", HT)
        self.code["B2"] = self.d.add_venue("Hiệu thuốc số 5", HT)
        listed = os.path.join(self.d.dir, "listed.csv")
        with open(listed, "w", encoding="utf-8") as f:
            f.write("name,address,ward,kind,owner_phone,lat,lon\n"
                    "Tiệm vàng Kim Thành,88 Hàng Bạc,%s,shop,,21.0342,105.8531\n"
                    "Bún chả Hàng Mành,1 Hàng Mành,%s,restaurant,,,\n"
                    "Quán nước Nhà Thờ,2 Nhà Thờ,%s,cafe,,,\n" % (HB, HB, HT))
        rc, out, err = self.ctl("venue", "import", "--listed", listed)
        self.refs = re.findall(r"(?m)^(L\d+)\t", out)
        self.assertEqual(len(self.refs), 3, out)
        for key in ("A1", "B1"):
            self.ctl("venue", "activate", self.code[key], "--committed-by",
                     "Chủ quán %s" % key)

    def sms(self, frm, text, **kw):
        st, replies = self.d.json_sms(frm, text, **kw)
        self.assertEqual(st, 200, replies)
        return replies

    def get_json(self, path, who="admin1", **params):
        url = path + ("?" + urllib.parse.urlencode(params) if params else "")
        st, body = self.d.admin_json("GET", url, who=who)
        return st, body

    def window(self):
        now = int(time.time())
        return {"from": str(now - 2 * 86400), "to": str(now + 86400)}


class TestLifecycle(Base):

    def checkins(self):
        for i in range(3):
            self.sms("09150000%02d" % i, self.code["A1"])
        self.sms("0915000099", self.code["B1"])

    def test_listed_then_activated_and_rollup(self):
        self.checkins()
        # A listed business has no code: the API shows its reference.
        st, v = self.d.admin_json("GET", "/api/venues/" + self.refs[0])
        self.assertEqual(st, 200, v)
        self.assertIsNone(v["code"])
        self.assertEqual(v["state"], "listed")
        self.assertAlmostEqual(v["lat"], 21.0342)
        # Its placeholder is no code a resident can send.
        self.assertEqual(self.d.count("checkins"), 4)
        # POST a listed business, then give it a code and a commitment.
        st, v = self.d.admin_json("POST", "/api/venues",
                                  {"name": "Quán mới", "ward": HB, "listed": True,
                                   "lat": 21.03, "lon": 105.85})
        self.assertEqual(st, 201, v)
        self.assertEqual(v["state"], "listed")
        ref = v["ref"]
        st, v = self.d.admin_json("PATCH", "/api/venues/" + ref,
                                  {"activate": True, "committed_by": "Bà Hoa"})
        self.assertEqual(st, 200, v)
        self.assertEqual(v["state"], "committed")
        self.assertTrue(harness.code_valid(v["code"]), v)
        self.assertEqual(v["committed_by"], "Bà Hoa")
        self.assertEqual(v["committed_recorder"], "admin1")
        # Activating twice is a conflict.
        st, b = self.d.admin_json("PATCH", "/api/venues/" + v["code"], {"activate": True})
        self.assertEqual(st, 409, b)
        # The new code takes check-ins.
        replies = self.sms("0915000050", v["code"])
        self.assertIn("Quan moi", replies[0])

        expect = {
            HB: {"listed": 5, "with_code": 3, "committed": 2, "with_checkins": 2,
                 "checkins": 4},
            HT: {"listed": 3, "with_code": 2, "committed": 1, "with_checkins": 1,
                 "checkins": 1},
        }
        st, rows = self.get_json("/api/reports/district", **self.window())
        self.assertEqual(st, 200, rows)
        by = {r["ward"]: r for r in rows}
        self.assertEqual(set(by), {HB, HT, "TOTAL"})
        self.assertEqual(rows[-1]["ward"], "TOTAL")
        for ward, want in expect.items():
            for k, n in want.items():
                self.assertEqual(by[ward][k], n, (ward, k, by[ward]))
        for k in expect[HB]:
            self.assertEqual(by["TOTAL"][k], expect[HB][k] + expect[HT][k], k)
        # The CSV parses back to the same figures.
        params = dict(self.window(), format="csv")
        st, h, b = self.d.admin_http("GET", "/api/reports/district?" +
                                     urllib.parse.urlencode(params), who="tracer1")
        self.assertEqual(st, 200)
        text = b.decode("utf-8-sig")
        got = list(csv.DictReader(io.StringIO(text)))
        self.assertEqual([r["ward"] for r in got], [HB, HT, "TOTAL"])
        for r in got:
            for k in expect[HB]:
                self.assertEqual(int(r[k]), by[r["ward"]][k], (r["ward"], k))


class TestScope(Base):

    def test_scoped_token_sees_its_ward(self):
        self.sms("0915000001", self.code["A1"])
        self.sms("0915000002", self.code["B1"])
        w = self.window()
        # Venues: only Hàng Bạc's; another ward's venue is 403.
        st, rows = self.get_json("/api/venues", who="hb_admin", all="1")
        self.assertEqual(st, 200, rows)
        self.assertEqual({r["ward"] for r in rows}, {HB})
        self.assertEqual(len(rows), 4)
        for path in ("/api/venues/" + self.code["B1"], "/venue/" + self.code["B1"],
                     "/venue/%s/poster.png" % self.code["B1"],
                     "/api/venues/" + self.refs[2]):
            st, h, b = self.d.admin_http("GET", path, who="hb_admin")
            self.assertEqual(st, 403, (path, b))
        st, b = self.d.admin_json("PATCH", "/api/venues/" + self.code["B1"],
                                  {"name": "x"}, who="hb_admin")
        self.assertEqual(st, 403, b)
        st, b = self.d.admin_json("POST", "/api/venues", {"name": "x", "ward": HT},
                                  who="hb_admin")
        self.assertEqual(st, 403, b)
        st, b = self.get_json("/api/venues", who="hb_admin", ward=HT)
        self.assertEqual(st, 403, b)
        # Traces: another ward's venue is 403; its own is read and audited with the scope.
        st, b = self.get_json("/api/trace/venue", who="hb_admin", code=self.code["B1"], **w)
        self.assertEqual(st, 403, b)
        st, rows = self.get_json("/api/trace/venue", who="hb_admin", code=self.code["A1"], **w)
        self.assertEqual(st, 200, rows)
        self.assertEqual(len(rows), 1)
        audit = self.d.query("SELECT actor, action, scope FROM audit"
                             " WHERE action = 'trace.venue'")
        self.assertEqual([tuple(r) for r in audit], [("hb_admin", "trace.venue", HB)])
        # A person's trace leaves out the other ward's visits.
        self.sms("0915000001", self.code["B1"])
        st, rows = self.get_json("/api/trace/person", who="hb_admin",
                                 number="0915000001", **w)
        self.assertEqual(st, 200, rows)
        self.assertEqual({r["ward"] for r in rows}, {HB})
        st, rows = self.get_json("/api/trace/person", who="tracer1",
                                 number="0915000001", **w)
        self.assertEqual({r["ward"] for r in rows}, {HB, HT})
        # Reports: its ward alone, and totals that are its ward's.
        st, rows = self.get_json("/api/reports/district", who="ht_tracer", **w)
        self.assertEqual(st, 200, rows)
        self.assertEqual([r["ward"] for r in rows], [HT, "TOTAL"])
        for k, n in rows[0].items():
            if k != "ward":
                self.assertEqual(rows[1][k], n, k)
        st, rows = self.get_json("/api/reports/wards", who="ht_tracer", **w)
        self.assertEqual([r["ward"] for r in rows], [HT])
        st, rows = self.get_json("/api/reports/inactive", who="ht_tracer")
        self.assertEqual(st, 200, rows)
        self.assertEqual({r["ward"] for r in rows}, {HT})
        # Inspections: another ward's venue is 403, lists hold its ward's only.
        st, b = self.d.admin_json("POST", "/api/inspections",
                                  {"venue": self.code["B1"], "result": "compliant"},
                                  who="hb_admin")
        self.assertEqual(st, 403, b)
        st, b = self.d.admin_json("POST", "/api/inspections",
                                  {"venue": self.code["B1"], "result": "violation",
                                   "note": "không quét mã", "fine": 500000})
        self.assertEqual(st, 201, b)
        st, rows = self.get_json("/api/inspections", who="hb_admin")
        self.assertEqual(rows, [])
        st, rows = self.get_json("/api/inspections", who="ht_tracer")
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["fine"], 500000)
        st, b = self.get_json("/api/inspections", who="hb_admin", ward=HT)
        self.assertEqual(st, 403, b)
        # The dashboard shows its ward alone.
        st, h, b = self.d.admin_http("GET", "/dashboard", who="hb_admin")
        self.assertEqual(st, 200)
        page = b.decode("utf-8")
        self.assertIn('data-ward="%s"' % HB, page)
        self.assertNotIn('data-ward="%s"' % HT, page)
        self.assertIn('data-district="%s"' % HB, page)
        self.assertNotIn('data-district="%s"' % HT, page)
        self.assertNotIn("Nhà sách Tràng Tiền", page)


class TestInspections(Base):

    def test_by_sms(self):
        self.ctl("inspector", "add", INSPECTOR, "--name", "Đội kiểm tra liên ngành")
        a1 = harness.group(self.code["A1"])
        replies = self.sms(INSPECTOR, "KT %s OK" % a1)
        self.assertIn("Pho Bat Dan (%s): dat" % a1, replies[0])
        replies = self.sms(INSPECTOR, "Kiểm tra %s vi phạm không quét mã" % self.code["B1"])
        self.assertIn("Nha sach Trang Tien", replies[0])
        self.assertIn("vi pham", replies[0])
        self.sms(INSPECTOR, "kt %s đóng cửa" % self.code["B2"])
        rows = self.d.query("SELECT v.code, i.result, i.note, i.channel, i.inspector"
                            " FROM inspections i JOIN venues v ON v.id = i.venue_id"
                            " ORDER BY i.id")
        self.assertEqual([tuple(r) for r in rows], [
            (self.code["A1"], "compliant", "", "sms", "Đội kiểm tra liên ngành"),
            (self.code["B1"], "violation", "không quét mã", "sms", "Đội kiểm tra liên ngành"),
            (self.code["B2"], "closed", "", "sms", "Đội kiểm tra liên ngành"),
        ])
        # Nothing of this was a check-in.
        self.assertEqual(self.d.count("checkins"), 0)
        # A KT without a result gets the usage.
        replies = self.sms(INSPECTOR, "KT %s" % a1)
        self.assertIn("KT <", replies[0])
        # An unregistered number gets the ordinary help, and records nothing.
        replies = self.sms(STRANGER, "KT %s OK" % a1)
        self.assertEqual(len(replies), 1)
        self.assertNotIn("Pho Bat Dan", replies[0])
        self.assertIn("Check-in: nhan MA SO", replies[0])
        self.assertEqual(self.d.count("inspections"), 3)
        self.assertEqual(self.d.count("checkins"), 0)
        # The API lists them, and the inspector registry too.
        st, rows = self.get_json("/api/inspections")
        self.assertEqual(len(rows), 3)
        st, rows = self.get_json("/api/inspectors")
        self.assertEqual([r["number"] for r in rows], [harness.e164(INSPECTOR)])
        st, rows = self.get_json("/api/inspectors", who="ht_tracer")
        self.assertEqual(len(rows), 1)     # the district's inspector is everyone's

    def test_dashboard_form(self):
        body = urllib.parse.urlencode({"token": self.d.token("hb_admin")})
        st, h, b = self.d.admin_http("POST", "/login", body, headers={
            "Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(st, 303)
        cookie = {"Cookie": "checkind_session=" + COOKIE_RE.match(h["set-cookie"]).group(1)}
        path = "/venue/" + self.code["A1"]
        st, h, b = self.d.admin_http("GET", path, headers=cookie)
        self.assertEqual(st, 200)
        m = CSRF_RE.search(b.decode("utf-8"))
        self.assertIsNotNone(m, "no anti-forgery token in the page")
        form = {""
                "result": "violation", "note": "Không có bảng mã", "fine": "200000"}
        hdr = dict(cookie, **{"Content-Type": "application/x-www-form-urlencoded"})
        # Without the token, or with a wrong one: refused, nothing recorded.
        for bad in ({}, {"csrf": "0" * 64}, {"csrf": m.group(1)[:-1]}):
            st, h, b = self.d.admin_http("POST", path + "/inspections",
                                         urllib.parse.urlencode(dict(form, **bad)),
                                         headers=hdr)
            self.assertEqual(st, 403, (bad, b))
        self.assertEqual(self.d.count("inspections"), 0)
        st, h, b = self.d.admin_http("POST", path + "/inspections",
                                     urllib.parse.urlencode(dict(form, csrf=m.group(1))),
                                     headers=hdr)
        self.assertEqual(st, 303, b)
        self.assertEqual(h["location"], path)
        rows = self.d.query("SELECT result, note, fine, channel, inspector FROM inspections")
        self.assertEqual([tuple(r) for r in rows],
                         [("violation", "Không có bảng mã", 200000, "dashboard", "hb_admin")])
        # The page now shows it; another ward's venue form is 403 even with the token.
        st, h, b = self.d.admin_http("GET", path, headers=cookie)
        self.assertIn('data-last-inspection="violation"', b.decode("utf-8"))
        st, h, b = self.d.admin_http("POST", "/venue/%s/inspections" % self.code["B1"],
                                     urllib.parse.urlencode(dict(form, csrf=m.group(1))),
                                     headers=hdr)
        self.assertEqual(st, 403, b)
        self.assertEqual(self.d.count("inspections"), 1)


class TestRegistration(Base):

    def test_confirm_approve_reject(self):
        replies = self.sms(OWNER1, "ĐK Bánh cuốn Bà Hoành, 66 Tô Hiến Thành, hang bac")
        self.assertIn("DK: Banh cuon Ba Hoanh, 66 To Hien Thanh, Hang Bac. Tra loi 1",
                      replies[0])
        self.assertEqual(self.d.scalar("SELECT state FROM registrations"), "unconfirmed")
        replies = self.sms(OWNER1, "1")
        self.assertEqual(self.d.scalar("SELECT state FROM registrations"), "pending")
        # One pending registration per number.
        replies = self.sms(OWNER1, "DK Quán khác, 1 Hàng Bạc, Hàng Bạc")
        self.assertEqual(self.d.count("registrations"), 1, replies)
        # A ward nobody knows is said back.
        replies = self.sms(OWNER2, "DK Quán B, 2 Phố Huế, Phường Ba Đình")
        self.assertIn("Phuong Ba Dinh", replies[0])
        self.assertEqual(self.d.count("registrations"), 1)
        # The other ward's official sees nothing of it and cannot decide it.
        rid = self.d.scalar("SELECT id FROM registrations")
        st, rows = self.get_json("/api/registrations", who="hb_admin")
        self.assertEqual([r["name"] for r in rows], ["Bánh cuốn Bà Hoành"])
        self.assertEqual(rows[0]["state"], "pending")
        st, b = self.d.admin_json("POST", "/api/registrations/%d/approve" % rid,
                                  who="ht_tracer")
        self.assertEqual(st, 403, b)
        # Approval: a venue of the owner, its code texted through the outbox.
        st, b = self.d.admin_json("POST", "/api/registrations/%d/approve" % rid,
                                  who="hb_admin")
        self.assertEqual(st, 200, b)
        code = b["code"]
        self.assertTrue(harness.code_valid(code))
        rows = self.d.outbox("number = ?", (harness.e164(OWNER1),))
        sent = [r for r in rows if harness.group(code) in r["text"]]
        self.assertEqual(len(sent), 1, rows)
        st, b = self.d.admin_json("POST", "/api/registrations/%d/approve" % rid,
                                  who="hb_admin")
        self.assertEqual(st, 409, b)
        # TK from the owner's number now knows the venue.
        replies = self.sms(OWNER1, "TK")
        self.assertIn("Banh cuon", replies[0])
        # A rejection texts the reason.
        self.sms(OWNER3, "DK Karaoke Đêm, 9 Hàng Bạc, Hàng Bạc")
        self.sms(OWNER3, "1")
        rid = self.d.scalar("SELECT id FROM registrations WHERE number = ?",
                            (harness.e164(OWNER3),))
        st, b = self.d.admin_json("POST", "/api/registrations/%d/reject" % rid,
                                  {"reason": "karaoke chưa được mở lại"}, who="hb_admin")
        self.assertEqual(st, 200, b)
        rows = self.d.outbox("number = ?", (harness.e164(OWNER3),))
        self.assertTrue(any("karaoke" in r["text"] for r in rows), rows)
        self.assertEqual(self.d.scalar("SELECT state FROM registrations WHERE id = ?",
                                       (rid,)), "rejected")
        # The dashboard lists a waiting one with forms carrying the session's
        # anti-forgery token; without it the form is refused.
        self.sms(OWNER4, "DK Tiệm may Hạnh, 5 Hàng Bạc, P. Hàng Bạc")
        self.sms(OWNER4, "1")
        rid = self.d.scalar("SELECT id FROM registrations WHERE number = ?",
                            (harness.e164(OWNER4),))
        body = urllib.parse.urlencode({"token": self.d.token("hb_admin")})
        st, h, b = self.d.admin_http("POST", "/login", body, headers={
            "Content-Type": "application/x-www-form-urlencoded"})
        cookie = {"Cookie": "checkind_session=" + COOKIE_RE.match(h["set-cookie"]).group(1)}
        st, h, b = self.d.admin_http("GET", "/dashboard", headers=cookie)
        page = b.decode("utf-8")
        self.assertIn('data-registration="%d"' % rid, page)
        csrf = CSRF_RE.search(page).group(1)
        hdr = dict(cookie, **{"Content-Type": "application/x-www-form-urlencoded"})
        st, h, b = self.d.admin_http("POST", "/registration/%d/approve" % rid, "",
                                     headers=hdr)
        self.assertEqual(st, 403, b)
        st, h, b = self.d.admin_http("POST", "/registration/%d/approve" % rid,
                                     urllib.parse.urlencode({"csrf": csrf}), headers=hdr)
        self.assertEqual(st, 303, b)
        self.assertEqual(self.d.scalar("SELECT state FROM registrations WHERE id = ?",
                                       (rid,)), "approved")
        self.assertEqual(self.d.count("venues", "owner = ?", (harness.e164(OWNER4),)), 1)
        # "2" cancels an unconfirmed one.
        self.sms(OWNER2, "DK Quán C, 3 Hàng Bạc, Hàng Bạc")
        self.sms(OWNER2, "2")
        self.assertEqual(self.d.scalar("SELECT state FROM registrations WHERE number = ?",
                                       (harness.e164(OWNER2),)), "cancelled")


class TestFraud(Base):

    FAR = (21.0500, 105.7800)      # about 8 km west of the old quarter
    NEAR = (21.0300, 105.8520)

    def test_crafted_pairs(self):
        coords = {"A1": (21.0285, 105.8542), "A2": self.NEAR, "B1": self.FAR}
        for key, (lat, lon) in coords.items():
            self.ctl("venue", "activate", self.code[key], "--lat", str(lat),
                     "--lon", str(lon))
        t = int(time.time()) - 3600
        # far and soon: flagged; far and late: not; near and soon: not.
        self.sms("0916000001", self.code["A1"], sent_at=t)
        self.sms("0916000001", self.code["B1"], sent_at=t + 300)
        self.sms("0916000002", self.code["A1"], sent_at=t)
        self.sms("0916000002", self.code["B1"], sent_at=t + 900)
        self.sms("0916000003", self.code["A1"], sent_at=t)
        self.sms("0916000003", self.code["A2"], sent_at=t + 120)
        # A venue without coordinates never flags.
        self.sms("0916000004", self.code["B2"], sent_at=t)
        self.sms("0916000004", self.code["A1"], sent_at=t + 60)
        self.assertEqual(self.d.count("checkins"), 8)
        st, rows = self.get_json("/api/reports/flags", who="tracer1", **self.window())
        self.assertEqual(st, 200, rows)
        self.assertEqual(len(rows), 1, rows)
        self.assertEqual((rows[0]["code"], rows[0]["prev_code"]),
                         (self.code["B1"], self.code["A1"]))
        self.assertEqual(rows[0]["seconds"], 300)
        self.assertGreater(rows[0]["distance_m"], 5000)
        self.assertNotIn("number", rows[0])
        st, rows = self.get_json("/api/reports/district", **self.window())
        by = {r["ward"]: r for r in rows}
        self.assertEqual((by[HB]["fraud_flags"], by[HT]["fraud_flags"]), (0, 1))
        st, rows = self.get_json("/api/reports/flags", who="hb_admin", **self.window())
        self.assertEqual(rows, [])


class TestDemoDay(harness.AdminCase):
    """A normal day of the demo venues raises no flag."""

    outbound_text = harness.NULL_ROUTE

    def venues(self):
        path = os.path.join(harness.env("CHECKIND_SRCDIR"), "conf", "demo-venues.csv")
        subprocess.run([self.d.checkinctl, "-d", self.d.dbpath, "venue", "import", path],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       timeout=harness.stretch(60))
        c = self.db_write()
        self.codes = [r[0] for r in c.execute("SELECT code FROM venues WHERE active = 1"
                                              " AND lat IS NOT NULL ORDER BY id")]
        c.close()

    def test_no_flag(self):
        import random
        rnd = random.Random(18)
        self.assertEqual(len(self.codes), 200)
        start = harness.local_midnight(0) + 8 * 3600
        # 60 people, each at 4 venues a few minutes apart over the day.
        for p in range(60):
            t = start + rnd.randrange(0, 10 * 3600)
            for code in rnd.sample(self.codes, 4):
                st, replies = self.d.json_sms("0917%06d" % p, code,
                                              sent_at=min(t, int(time.time())))
                self.assertEqual(st, 200, replies)
                t += rnd.randrange(120, 540)
        self.assertEqual(self.d.count("checkins"), 240)
        # The pairs were soon enough to be judged on distance alone.
        self.assertEqual(self.d.count("flags"), 0)


if __name__ == "__main__":
    harness.main(300)

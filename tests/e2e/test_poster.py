#!/usr/bin/env python3
"""End-to-end tests of `checkinctl poster`: the printable A4 venue posters.

CHECKINCTL names the checkinctl binary. Every test makes its venues with
`checkinctl -d DB venue add` in a temporary folder, renders posters and
looks at them as a printer and a phone would: the PDF goes through
pdftoppm (poppler-utils) at 150 dpi, its QR code through zbarimg
(zbar-tools), its words through pdftotext -bbox, its page count through
pdfinfo; a PNG is decoded here (zlib) to check its size and margins.
"""

import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
import harness  # noqa: E402

CHECKINCTL = harness.env("CHECKINCTL")

A4_W, A4_H = 595.276, 841.890        # points
MARGIN = 36.0                        # src/officials/poster.c POSTER_MARGIN
TOOLS = ("pdftoppm", "pdftotext", "pdfinfo", "zbarimg")

NAME_120 = ("Quan ca phe va nha hang am thuc truyen thong Ha Noi pho co "
            "Hoan Kiem gan Ho Guom, mo cua tu sang den toi muon moi ngay!!")
WORD_120 = "W" * 120
# 40 three-byte characters: 120 bytes, the most a name may have.
VIET_120 = "Ằ" * 40


def png_size(data):
    """(width, height) of a PNG, after checking its signature and IHDR."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    return struct.unpack(">II", data[16:24])


def png_rows(data):
    """The rows of an 8-bit RGB or RGBA, non-interlaced PNG, as bytes."""
    w, h = png_size(data)
    depth, ctype, _, _, interlace = struct.unpack(">BBBBB", data[24:29])
    assert depth == 8 and ctype in (2, 6) and interlace == 0
    bpp = 3 if ctype == 2 else 4
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 0xff
            elif f == 2:
                line[i] = (line[i] + b) & 0xff
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xff
            elif f == 4:    # Paeth (PNG specification 9.4)
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pr) & 0xff
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


class PosterTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        missing = [t for t in TOOLS if shutil.which(t) is None]
        if missing:
            raise unittest.SkipTest("missing %s (Debian poppler-utils, "
                                    "zbar-tools)" % ", ".join(missing))

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="test-poster.")
        self.dir = self.tmp.name
        self.db = os.path.join(self.dir, "checkind.db")

    def tearDown(self):
        self.tmp.cleanup()

    def ctl(self, *args, config=None, check=True):
        cmd = [CHECKINCTL]
        cmd += ["-c", config] if config else ["-d", self.db]
        p = subprocess.run(cmd + list(args), capture_output=True,
                           timeout=harness.stretch(60))
        if check:
            self.assertEqual(p.returncode, 0, p.stderr.decode())
        return p

    def venue(self, name, ward="Hàng Trống", address=None):
        args = ["venue", "add", "--name", name, "--ward", ward]
        if address:
            args += ["--address", address]
        grouped = self.ctl(*args).stdout.decode().strip()
        self.assertRegex(grouped, r"^\d{3} \d{4}$")
        return grouped.replace(" ", "")

    def config(self, extra):
        path = os.path.join(self.dir, "checkind.conf")
        with open(path, "w") as f:
            f.write('database = "%s";\n'
                    'inbound = ( { name = "t"; format = "json"; '
                    'path = "/sms/json"; } );\n%s' % (self.db, extra))
        return path

    def poster(self, *args, name="poster.pdf", config=None):
        out = os.path.join(self.dir, name)
        self.ctl("poster", *args, "-o", out, config=config)
        self.assertTrue(os.path.getsize(out) > 0)
        return out

    def pages(self, pdf):
        info = subprocess.run(["pdfinfo", pdf], capture_output=True,
                              check=True).stdout.decode()
        m = re.search(r"^Pages:\s+(\d+)$", info, re.M)
        self.assertIsNotNone(m, info)
        size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
        self.assertAlmostEqual(float(size.group(1)), A4_W, delta=1)
        self.assertAlmostEqual(float(size.group(2)), A4_H, delta=1)
        return int(m.group(1))

    def qr(self, pdf, page=1):
        """The QR payloads of one page, rendered at 150 dpi."""
        prefix = os.path.join(self.dir, "page")
        subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", str(page),
                        "-l", str(page), "-singlefile", pdf, prefix],
                       check=True, capture_output=True)
        return self.zbar(prefix + ".png")

    def zbar(self, png):
        p = subprocess.run(["zbarimg", "--raw", "-q", png],
                           capture_output=True)
        self.assertEqual(p.returncode, 0, "no code found: %r" % p.stderr)
        return p.stdout.decode().splitlines()

    def text(self, pdf):
        return subprocess.run(["pdftotext", "-layout", pdf, "-"],
                              capture_output=True,
                              check=True).stdout.decode()

    def words(self, pdf):
        """Every word of a PDF with its box, from pdftotext -bbox."""
        html = subprocess.run(["pdftotext", "-bbox", pdf, "-"],
                              capture_output=True,
                              check=True).stdout.decode()
        return [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w
                in re.findall(r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" '
                              r'xMax="([\d.-]+)" yMax="([\d.-]+)">([^<]*)'
                              r'</word>', html)]

    def assert_inside(self, pdf):
        words = self.words(pdf)
        self.assertGreater(len(words), 20)
        for x0, y0, x1, y1, w in words:
            self.assertGreaterEqual(x0, MARGIN - 1, w)
            self.assertLessEqual(x1, A4_W - MARGIN + 1, w)
            self.assertGreaterEqual(y0, MARGIN - 1, w)
            self.assertLessEqual(y1, A4_H - MARGIN + 1, w)
        return words

    def assert_white_margins(self, png, band):
        """No ink in the outer band (pixels) of the page."""
        w, h, bpp, rows = png_rows(png)
        for y, row in enumerate(rows):
            if y < band or y >= h - band:
                self.assertEqual(row, b"\xff" * len(row), "ink in row %d" % y)
            else:
                self.assertEqual(row[:band * bpp], b"\xff" * band * bpp,
                                 "ink left in row %d" % y)
                self.assertEqual(row[(w - band) * bpp:], b"\xff" * band * bpp,
                                 "ink right in row %d" % y)

    # The QR code holds exactly what the phone should send.

    def test_qr_smsto_default(self):
        code = self.venue("Phở Thìn Bờ Hồ", address="61 Đinh Tiên Hoàng")
        pdf = self.poster(code)
        self.assertEqual(self.pages(pdf), 1)
        self.assertEqual(self.qr(pdf), ["SMSTO:8088:%s" % code])

    def test_code_grouped_or_not(self):
        code = self.venue("Bánh cuốn Bà Hoành")
        grouped = "%s %s" % (code[:3], code[3:])
        for arg in ([grouped], [code[:3], code[3:]], [code[:3] + "-" +
                                                       code[3:]]):
            pdf = self.poster(*arg)
            self.assertEqual(self.qr(pdf), ["SMSTO:8088:%s" % code], arg)

    def test_qr_from_config(self):
        code = self.venue("Nhà sách Tràng Tiền")
        cases = (
            ("", "SMSTO:8077:%s"),
            ('poster = { qr = "smsto"; };\n', "SMSTO:8077:%s"),
            ('poster = { qr = "sms-body"; };\n', "sms:8077?body=%s"),
            ('poster = { qr = "sms"; };\n', "sms:8077"),
        )
        for extra, want in cases:
            cfg = self.config('short_number = "8077";\n'
                              'retention_days = 14;\n' + extra)
            pdf = self.poster(code, config=cfg)
            payload = want % code if "%s" in want else want
            self.assertEqual(self.qr(pdf), [payload], extra)
            text = self.text(pdf)
            self.assertIn("Nhắn tin mã này tới 8077", text)
            self.assertIn("Text this code to 8077", text)
            self.assertIn("Dữ liệu được xoá sau 14 ngày", text)
            self.assertIn("Deleted after 14 days", text)

    def test_what_it_says(self):
        code = self.venue("Chợ Hàng Da", address="Số 1 Hàng Da")
        grouped = "%s %s" % (code[:3], code[3:])
        text = self.text(self.poster(code))
        for want in ("Chợ Hàng Da", "Số 1 Hàng Da", grouped,
                     "Nhắn tin mã này tới 8088", "Text this code to 8088",
                     "Đi cùng người khác: %s +2" % grouped,
                     "Dữ liệu được xoá sau 28 ngày", "Deleted after 28 days",
                     "Soạn tin %s, gửi tới 8088" % grouped,
                     "Text %s to 8088" % grouped):
            self.assertIn(want, text)

    # A ward's file has one page per active venue.

    def test_ward_pages(self):
        ward = [self.venue("Quán %d" % i, ward="Lý Thái Tổ")
                for i in range(4)]
        other = self.venue("Quán khác", ward="Tràng Tiền")
        self.ctl("venue", "deactivate", ward[1])
        pdf = self.poster("--ward", "Lý Thái Tổ")
        self.assertEqual(self.pages(pdf), 3)
        got = set()
        for page in (1, 2, 3):
            got.update(self.qr(pdf, page))
        self.assertEqual(got, {"SMSTO:8088:%s" % c
                               for c in (ward[0], ward[2], ward[3])})
        self.assertNotIn(other, "".join(got))
        self.assertEqual(self.pages(self.poster("--ward", "Tràng Tiền")), 1)
        # Several codes: one page each, in the order given.
        pdf = self.poster(ward[3], other, ward[0])
        self.assertEqual(self.pages(pdf), 3)
        self.assertEqual(self.qr(pdf, 2), ["SMSTO:8088:%s" % other])

    # Long names wrap and shrink, never leave the page.

    def test_long_names_inside(self):
        self.assertEqual(len(NAME_120), 120)
        for name in (NAME_120, WORD_120, VIET_120):
            code = self.venue(name, address=NAME_120[:100])
            pdf = self.poster(code)
            words = self.assert_inside(pdf)
            # All of the name is there, over several lines.
            got = "".join(w for _, _, _, _, w in words)
            self.assertIn(name.replace(" ", ""), got)
            self.assertEqual(self.qr(pdf), ["SMSTO:8088:%s" % code])
            with open(self.poster(code, name="long.png"), "rb") as f:
                png = f.read()
            self.assert_white_margins(png, int(MARGIN / 72 * 150) - 4)

    # A PNG: one venue, A4 proportions, and its QR decodes too.

    def test_png(self):
        code = self.venue("Kem Tràng Tiền")
        out = self.poster(code, name="poster.png")
        with open(out, "rb") as f:
            data = f.read()
        w, h = png_size(data)
        self.assertAlmostEqual(h / w, A4_H / A4_W, places=2)
        self.assertGreaterEqual(w, 1200)    # 150 dpi: 1240 x 1754
        self.assertEqual(self.zbar(out), ["SMSTO:8088:%s" % code])

    # Mistakes: exit 1 for what cannot be done, 2 for usage.

    def test_errors(self):
        code = self.venue("Cà phê Giảng")
        other = self.venue("Cà phê Đinh")
        out = os.path.join(self.dir, "x.pdf")
        bad = harness.fresh_code(avoid=(code, other))
        cases = (
            ([bad, "-o", out], 1, "no venue with code"),
            ([code, bad, "-o", out], 1, "no venue with code"),
            (["12a4567", "-o", out], 1, "not a venue code"),
            (["--ward", "Không có", "-o", out], 1, "no active venue"),
            ([code, other, "-o", out[:-3] + "png"], 1, "PNG"),
            ([code], 2, "-o"),
            ([code, "-o", out[:-3] + "txt"], 2, ".pdf or .png"),
            ([code, "--ward", "Hàng Trống", "-o", out], 2, "one of them"),
            (["-o", out], 2, "one of them"),
        )
        for args, rc, msg in cases:
            p = self.ctl("poster", *args, check=False)
            self.assertEqual(p.returncode, rc, (args, p.stderr))
            self.assertIn(msg, p.stderr.decode(), args)
            self.assertFalse(os.path.exists(out), args)
            self.assertEqual([f for f in os.listdir(self.dir)
                              if not f.startswith("checkind.db")], [], args)


if __name__ == "__main__":
    harness.main(timeout=300)

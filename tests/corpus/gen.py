#!/usr/bin/env python3
"""gen.py: writes checkin.tsv, the corpus of resident texts (issue 17).

The texts are how people type check-ins on basic phones and what SMS
aggregators do to them, not the parser's rules: labels and short sentences
before the code, words after it, quotes, brackets, * and #, emoji, keypad
slips (O for 0, l or I for 1), signatures, doubled spaces, line breaks. The
negatives are what else reaches a short number: phone numbers, one-time
passwords, dates, times, prices, chat, a deactivated venue's code, a 7-digit
number far from any code, two codes in one text.

Run it from anywhere: python3 tests/corpus/gen.py > tests/corpus/checkin.tsv
The output is checked in; regenerate only to change the corpus.
"""
import random
import sys

DAMM = [
    [0, 3, 1, 7, 5, 9, 8, 6, 4, 2], [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
    [4, 2, 0, 6, 8, 7, 1, 3, 5, 9], [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
    [6, 1, 2, 3, 0, 4, 5, 9, 7, 8], [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
    [5, 8, 6, 9, 7, 2, 0, 1, 3, 4], [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
    [9, 4, 3, 8, 6, 1, 7, 2, 0, 5], [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
]


def damm(s):
    i = 0
    for c in s:
        i = DAMM[i][int(c)]
    return i


def code(payload):
    return payload + str(damm(payload))


def valid(c):
    return len(c) == 7 and damm(c) == 0


def neighbours(c):
    out = set()
    for i in range(7):
        for d in "0123456789":
            if d != c[i]:
                out.add(c[:i] + d + c[i + 1:])
    for i in range(6):
        out.add(c[:i] + c[i + 1] + c[i] + c[i + 2:])
    out.discard(c)
    return out


# The venues: payload, active, name. Codes hold 0 and 1 for keypad slips.
VENUES = [
    ("483029", 1, "Pho Thin"),
    ("105716", 1, "Cafe Giang"),
    ("720140", 1, "Cho Hang Da"),
    ("319862", 1, "Nha sach Trang Tien"),
    ("610053", 1, "Bun cha Huong Lien"),
    ("257301", 1, "Tap hoa Minh"),
    ("904417", 1, "Chot Cau Chuong Duong"),
    ("812635", 1, "Quan com Tam"),
    ("560912", 0, "Karaoke Hoa Mi (da dong)"),
    ("348870", 0, "Nha hang Song Hong (da dong)"),
]
ACTIVE = [code(p) for p, a, _ in VENUES if a]
INACTIVE = [code(p) for p, a, _ in VENUES if not a]
NEAR = set()
for c in ACTIVE:
    NEAR |= neighbours(c)

rnd = random.Random(17)


def fullwidth(s):
    return "".join(chr(0xff10 + int(ch)) if ch.isdigit() else
                   ("\u3000" if ch == " " else ch) for ch in s)


def slip(c):
    """A keypad slip: O for one 0, or l or I for one 1."""
    idx = [i for i, ch in enumerate(c) if ch in "01"]
    if not idx:
        return c
    i = rnd.choice(idx)
    sub = "O" if c[i] == "0" else rnd.choice("lI")
    if c[i] == "0" and rnd.random() < 0.3:
        sub = "o"
    return c[:i] + sub + c[i + 1:]


def written(c):
    """How one person writes a 7-digit code."""
    forms = [
        c, c, c,
        c[:3] + " " + c[3:], c[:3] + " " + c[3:],
        c[:3] + "." + c[3:], c[:3] + "-" + c[3:],
        c[:3] + "  " + c[3:], c[:3] + " - " + c[3:],
        c[:2] + " " + c[2:4] + " " + c[4:], " ".join(c),
        c[:4] + " " + c[4:],
        fullwidth(c), fullwidth(c[:3] + " " + c[3:]),
        slip(c), slip(c[:3] + " " + c[3:]),
    ]
    return rnd.choice(forms)


BEFORE = [
    "", "", "", "", "ma ", "Ma ", "MA ", "mã ", "Mã ", "ma so ", "mã số ",
    "Mã số: ", "MA SO: ", "ma: ", "ci ", "CI ", "Ci: ", "checkin ",
    "check in ", "Check-in ", "CHECKIN ", "checkin tai quan pho ",
    "check in tại quán phở ", "toi check in o ", "tôi check in ở ",
    "em o quan, ma ", "em đang ở quán, mã ", "Code: ", "code ", "My code is ",
    "venue code ", "ma dia diem ", "Mã địa điểm: ", "ma quan ", "QR ",
    "ma QR: ", "cho em check in ", "cho mình check in ", "chao anh, ma ",
    "Xin chào. Mã ", "dang ky ma ", "Tôi ở ", "toi dang o ",
    "ma so cua quan la ", "mã của quán là ", "Check in at ", "checking in ",
    "I am at ", "Hi, code ", "gửi mã ", "gui ma ", "nhan ma ", "ma la ",
    "di an pho, ma ", "vao cho, ma ", "ck ", "ma:", "Ma:", "maso ",
    "check in nha ", "Dạ, mã ", "Da ma ", "a oi em checkin ",
]

AFTER = [
    "", "", "", "", " nhe", " nha", " nhé", " a", " ạ", " cam on",
    " cảm ơn", " cam on nhieu", " thanks", " thank you", " ok", " roi",
    " rồi", " nhe ban", " ạ.", " a.", ".", "!", "!!!", " ?", "..", " :)",
    " \U0001F44D", " \U0001F60A", "\U0001F64F", " \u2764\ufe0f", " xin cam on",
    " giup em", " giúp em với", " please", " pls", " thx", " hihi",
    " nhe ad", " dc chua", " được chưa",
]

SIGNATURES = [
    "", "", "", "", "", "", "\nSent from my iPhone", "\n\nSent from my iPhone",
    "\nSent from Yahoo Mail on Android", "\n--\nNam", "\n-- \nLan",
    " -- Hung", "\nGui tu dien thoai Nokia", "\n[Tin nhan tu Zalo]",
    "\nTB: tin nhan nay mien phi", "\n\n", "  ",
]

WRAPS = [
    ("", ""), ("", ""), ("", ""), ("", ""), ("", ""), ("\"", "\""),
    ("\u201c", "\u201d"), ("'", "'"), ("(", ")"), ("[", "]"), ("*", "*"),
    ("#", ""), ("", "#"), ("*", "#"), ("<", ">"), ("#", "#"), ("", "*"),
    ("{", "}"), ("\u00ab", "\u00bb"), ("-", "-"), ("", "+"), ("", " #"),
]

# Companions: the text, how many it means.
COMPANIONS = [
    ("", 0), ("", 0), ("", 0), ("", 0), ("", 0), ("", 0),
    (" +2", 2), (" + 2", 2), ("+1", 1), (" +3 nguoi", 3), (" +2 người", 2),
    (" 2 nguoi", 2), (" 2 người", 2), (" 3 ng", 3), (" them 2", 2),
    (" thêm 1 người", 1), (" them 4 nguoi", 4), (" cung 2 nguoi", 2),
    (" cùng 3 người", 3), (" va 2 ban", 2), (" và 1 bạn", 1), (" x3", 2),
    (" x2", 1), (" X4", 3), (" with 2", 2), (" with 1 friend", 1),
    (" 2 people", 2), (" and 2 friends", 2), (" +5 pax", 5), (" +10", 10),
    (", +2", 2), (" voi 2 nguoi", 2), (" kem 2 nguoi", 2),
    (" them 2 nguoi nua", 2), (" +20", 20), (" +0", 0),
]

COMPANIONS_BEFORE = [
    ("toi va 2 nguoi, ma ", 2), ("them 3 nguoi, ma ", 3),
    ("đi cùng 3 người, mã ", 3), ("x2 ", 1), ("+2 ", 2),
    ("2 nguoi, ma ", 2),
]


# Written by hand, one by one, as texts seen on the phones of a ward's
# residents: {0}..{7} are the active venues' codes, grouped as people do.
HAND_POSITIVE = [
    ("Chao ban, toi muon check in tai quan pho, ma {0} a", 0),
    ("ma so {1} nhe", 0),
    ("checkin tai quan pho {0:3} a", 0),
    ("Mình đang ở chợ, mã là {2}. Cảm ơn!", 0),
    ("{3} cam on ban nhieu", 0),
    ("ma cua hang {5:3}, toi di cung vo", 0),
    ("Em check in {4} ạ, em đi 1 mình", 0),
    ("{6}\n\nGửi từ điện thoại của tôi", 0),
    ("Ma dia diem: {7}\nHo ten: Nguyen Van A", 0),
    ("CHECK IN {0:3} +2 NGUOI", 2),
    ("check in quan com tam {7:3} cung 3 nguoi nua", 3),
    ("toi va 2 dua con, ma {2}, +2", 2),
    ("ma {1} - 2 nguoi", 2),
    ("{5:3} (them 1 nguoi)", 1),
    ("Code {6:3} with 2 friends, thanks!", 2),
    ("Hello, checking in at {3:3} with my wife, +1", 1),
    ("I'm at the pho place, code {0}. Thanks", 0),
    ("code is {4:3}", 0),
    ("{1:3}!!", 0),
    ("ma: {2:3}...", 0),
    ("\"{3}\"", 0),
    ("ma ({4:3})", 0),
    ("Mã: [{5}]", 0),
    ("*{6}*", 0),
    ("#{7}#", 0),
    ("{0:3} 👍👍", 0),
    ("🙏 {1:3} 🙏", 0),
    ("da den, ma {2:3} nha a", 0),
    ("ck {3} roi nhe", 0),
    ("vao quan roi {4:3}", 0),
    ("{5:3}  nhe", 0),
    ("{6:3}\nok", 0),
    ("Toi dang xep hang o cho, ma {2:3}, x3", 2),
    ("ma {7:3} x2 nguoi", 1),
    ("{0:3}, 2 nguoi", 2),
    ("{1:3} +2 ng", 2),
    ("check-in {2:3} & 2 ban", 2),
    ("{3:3} va vo", 0),
    ("{4:3}. Chuc mot ngay tot lanh", 0),
    ("{5:3} - Lan, phong 12", 0),
    ("{6:3} (anh Hung, 45 tuoi)", 0),
    ("Ma so {7:3}. SDT lien he: 0912345678", 0),
    ("{0}\nSent from my iPhone", 0),
    ("{1:3}\n--\nSent with Zalo", 0),
    ("FW: {2:3}", 0),
    ("Re: {3:3}", 0),
    ("checkin:{4}", 0),
    ("ma={5}", 0),
    ("ma so:{6:3}", 0),
    ("MaSo {7}", 0),
    ("{0:3} nhé ad ơi", 0),
    ("Dạ em gửi mã {1:3} ạ", 0),
    ("mã số địa điểm là {2:3} nhé", 0),
    ("Quét không được nên nhắn mã: {3:3}", 0),
    ("khong quet duoc QR, ma {4:3}", 0),
    ("{5:3} (quet QR loi)", 0),
    ("vui long check in giup toi {6}", 0),
    ("Nhờ check in hộ: {7:3}", 0),
    ("checkin giup me, ma {0:3}, me di cung 2 nguoi", 2),
    ("Toi la Hoa, ma {1:3}", 0),
]

HAND_NEGATIVE = [
    "Toi o so 1234 duong Lang", "Goi cho toi so 024 3825 1234",
    "Ngay 16/09/2021 toi co den cho", "chuyen khoan 1.500.000d cho quan roi",
    "Ma giam gia SALE2021", "ma voucher ABC1234567",
    "Toi da tiem 2 mui vaccine", "nhiet do 37.5", "cao 1m65 nang 55kg",
    "nha toi o ngo 123 ngach 45 hem 6", "QR khong quet duoc",
    "Xin loi nham so", "Sorry wrong number", "ok 👍", "😊😊😊",
    "Goi 113", "Cap cuu goi 115", "tong dai 1900 9095",
    "Ma OTP Vietcombank: 583920. Khong cung cap cho ai.",
    "[VCB] Ma xac thuc 8274910 co hieu luc 3 phut",
    "Your Grab code is 4821", "Tk 0011004123456 bi tru 200,000VND",
    "So du TK 1903456789012 la 12.345.678 VND",
    "Hen gap luc 10:30 ngay 20/10", "mai 7h sang nhe",
    "don hang #1234567890 da giao", "van don 8123456789012",
    "ma khach hang PE01234567", "Bien so xe 29A-123.45",
    "CMND 012345678", "CCCD 001201012345",
    "hoa don so 0001234", "so ghe 12", "phong 305",
    "lop 12A3 truong THPT", "tu 1990 den 2021",
    "STOP", "stop 4830295", "RA", "huy dang ky",
]
def positive():
    c = rnd.choice(ACTIVE)
    w = written(c)
    o, e = rnd.choice(WRAPS)
    n = 0
    if rnd.random() < 0.3:
        # Most people send the code alone, maybe with a keyword or a count.
        comp, n = rnd.choice(COMPANIONS)
        text = rnd.choice(["", "", "ma ", "ci ", "Ma: "]) + w + comp
        return ("checkin", "%s+%d" % (c, n), text)
    if rnd.random() < 0.07:
        b, n = rnd.choice(COMPANIONS_BEFORE)
        text = b + o + w + e
    else:
        comp, n = rnd.choice(COMPANIONS)
        b = rnd.choice(BEFORE)
        text = b + o + w + e + comp
    text += rnd.choice(AFTER) + rnd.choice(SIGNATURES)
    if rnd.random() < 0.1:
        text = text.upper() if rnd.random() < 0.5 else text.replace(" ", "  ")
    if rnd.random() < 0.05:
        text = "\n" + text
    return ("checkin", "%s+%d" % (c, n), text)


def far_number():
    while True:
        s = "".join(rnd.choice("0123456789") for _ in range(7))
        if not valid(s) and s not in NEAR:
            return s


def phone():
    p = rnd.choice(["09", "03", "08", "07", "05"]) + "".join(
        rnd.choice("0123456789") for _ in range(8))
    return rnd.choice([
        p, p[:4] + " " + p[4:7] + " " + p[7:], p[:4] + "." + p[4:7] + "." + p[7:],
        "+84" + p[1:], "+84 " + p[1:3] + " " + p[3:6] + " " + p[6:],
        "84" + p[1:], p[:3] + "-" + p[3:6] + "-" + p[6:],
        p[:4] + " " + p[4:],
    ])


NEG_CHAT = [
    "alo", "Alo ai day", "ai vay", "cho hoi quan mo cua may gio",
    "Ma la gi vay?", "toi khong biet ma", "lam sao de check in",
    "Quét mã QR không được", "khong quet duoc ma", "hello", "Hi",
    "test", "Test 123", "em an com chua", "Toi o 12 Hang Bac",
    "nha so 45 ngo 12 ngach 3", "phong 1203 toa B", "xe 29A 123.45",
    "bien so 30E-123.45", "Tầng 5, phòng 502", "ok", "cam on",
    "Cảm ơn nhiều", "thanks", "da nhan", "sao khong thay tra loi",
    "gui lai giup em", "chuyen khoan roi nhe", "mai gap nhe",
    "Happy birthday!", "chuc mung nam moi 2022", "hom nay 16 ca",
    "con 3 ngay nua", "quan dong cua roi", "Khẩn cấp!!!", "?",
    "tin nhan rac", "QC: mua 1 tang 1", "Khuyen mai 50% hom nay",
    "Ban da trung thuong 100 trieu, goi 1900 1234",
    "Dang ky 4G: soan MAX gui 999", "Tai khoan cua ban con 12.345d",
    "TKC: 25.000d, HSD 20/10/2021", "lop 10A1", "so nha 123",
    "20 nguoi", "+2", "them 2 nguoi", "x3", "ma quan la gi",
]


def negatives():
    out = []
    # Phone numbers, alone and in sentences.
    for _ in range(36):
        p = phone()
        t = rnd.choice(["{}", "goi lai cho em {}", "sdt cua em {}",
                        "SĐT: {}", "Call me {}", "lien he {} nhe",
                        "so dien thoai {}", "{} la so cua toi",
                        "Zalo {}", "em la Lan, {}", "Hotline: {}"])
        out.append(("none", "-", t.format(p)))
    # One-time passwords and other non-7-digit runs.
    for _ in range(28):
        n = rnd.choice([4, 5, 6, 6, 6, 8])
        s = "".join(rnd.choice("0123456789") for _ in range(n))
        t = rnd.choice(["Ma OTP cua ban la {}", "Your verification code is {}",
                        "OTP: {}. Khong chia se ma nay", "{} la ma xac thuc cua ban",
                        "Mã xác nhận: {}", "{}", "ma {} nhe", "PIN {}",
                        "Your code: {}", "{} is your Zalo code"])
        out.append(("none", "-", t.format(s)))
    # A 7-digit password: its check digit fails and no code is near.
    for _ in range(8):
        out.append(("none", "-", rnd.choice([
            "Ma OTP cua ban la {}", "Your OTP is {}", "{} la ma OTP"]).format(
            rnd.choice(ACTIVE) if rnd.random() < 0.3 else far_number())))
    # Dates and times.
    dates = ["16/09/2021", "2.11.2021", "20-10-2021", "1/1/2022", "ngay 2.11.2021",
             "hen 20-10-2021 nhe", "sinh ngay 12.03.1990", "3-9-2021",
             "10:30", "7h30 toi", "gap luc 19h", "21:45 ngay 5/9",
             "tu 8h den 17h", "luc 08:15 16/09", "ngay 1.9.2021 luc 7h",
             "09.12.2021", "2021-09-16", "5 gio chieu", "t7 ngay 11/9",
             "chu nhat 12.9.2021"]
    for d in dates:
        out.append(("none", "-", d))
    # Prices and amounts.
    prices = ["200k", "50.000d", "1.500.000 dong", "gia 2.000.000 vnd",
              "chuyen 1.234.567 d", "het 350k", "tong 1.250.000đ",
              "1.000.000 VND", "2tr5", "ck 1500000d", "tra 3.450.000 dong nhe",
              "25k/to", "gia 45.000", "phi 1.200.000 đ", "100 nghin",
              "$1234567", "1.234.567 vnd", "2 trieu", "Số dư 1.234.567đ",
              "3.500.000 dong roi nhe"]
    for p in prices:
        out.append(("none", "-", p))
    # Chat.
    for t in NEG_CHAT:
        out.append(("none", "-", t))
    # The code of a deactivated venue, however written.
    for _ in range(22):
        c = rnd.choice(INACTIVE)
        out.append(("none", "-", rnd.choice(BEFORE) + written(c) +
                    rnd.choice(AFTER)))
    # A 7-digit run failing its check digit, far from any code.
    for _ in range(26):
        out.append(("none", "-", rnd.choice(BEFORE) + far_number() +
                    rnd.choice(AFTER)))
    # Two codes: asked which.
    for _ in range(20):
        a, b = rnd.sample(ACTIVE, 2)
        t = rnd.choice(["ma {} va {}", "{}, {}", "{} hoac {}", "{} / {}",
                        "checkin {} roi {}", "{} {} nhe".replace(" {} ", " , {} "),
                        "Ma: {}\nMa: {}", "{} or {}"])
        out.append(("twocodes", a + "," + b, t.format(written(a).replace(" ", ""),
                                                    written(b).replace(" ", ""))))
    # A command keeps its meaning whatever code is with it.
    for c in rnd.sample(ACTIVE, 6):
        for k in ["STOP {}", "RA {}", "ra {} cam on", "KB {}", "huy {} nhe"]:
            if rnd.random() < 0.5:
                out.append(("none", "-", k.format(c)))
    # Did you mean: one typo away from exactly one code.
    for c in rnd.sample(ACTIVE, 5):
        i = rnd.randrange(7)
        t = c[:i] + str((int(c[i]) + 1) % 10) + c[i + 1:]
        if not valid(t) and sum(1 for a in ACTIVE if t in neighbours(a)) == 1:
            out.append(("didyoumean", c, "ma " + t + " nhe"))
    # An implausible count: asked how many came, not stored.
    for c in rnd.sample(ACTIVE, 4):
        out.append(("badcount", c, c + rnd.choice([" +25", " them 30 nguoi",
                                                    " x50", " +100"])))
    return out


def esc(s):
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def main():
    pos, seen = [], set()
    for t, n in HAND_POSITIVE:
        i = int(t.split("{")[1][0])
        c = ACTIVE[i]
        text = t.replace("{%d:3}" % i, c[:3] + " " + c[3:]).replace(
            "{%d}" % i, c).replace("\\n", "\n").replace('\\"', '"')
        seen.add(text)
        pos.append(("checkin", "%s+%d" % (c, n), text))
    while len(pos) < 460:
        r = positive()
        if r[2] not in seen:
            seen.add(r[2])
            pos.append(r)
    out = sys.stdout
    out.write("# checkin.tsv: resident texts and what they mean (issue 17).\n")
    out.write("# Written by gen.py; see there. Fields are tab-separated,\n")
    out.write("# \\n \\t \\\\ escaped. \"venue CODE active|inactive NAME\" lines\n")
    out.write("# set up the database; then KIND EXPECT TEXT, where KIND is\n")
    out.write("# checkin (EXPECT CODE+COMPANIONS), none (no check-in), twocodes\n")
    out.write("# (CODE,CODE asked which), didyoumean (CODE offered), badcount\n")
    out.write("# (CODE's venue asks how many came).\n")
    for p, a, name in VENUES:
        out.write("venue\t%s\t%s\t%s\n" % (code(p), "active" if a else "inactive",
                                           name))
    neg = [("none", "-", t) for t in HAND_NEGATIVE] + negatives()
    for k, e, t in pos + neg:
        out.write("%s\t%s\t%s\n" % (k, e, esc(t)))


main()

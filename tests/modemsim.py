"""modemsim.py: a GSM modem in PDU mode on a pseudo-terminal, for tests.

The daemon opens the slave side (sim.device, e.g. /dev/pts/7, or a symlink
to it) as it would /dev/ttyUSB0; the simulator answers on the master side
the AT commands checkind uses (3GPP TS 27.005 / 27.007): ATZ, ATE0/1,
AT+CMEE, AT+CPIN?/AT+CPIN=, AT+CMGF, AT+CPMS, AT+CNMI, AT+CMGL, AT+CMGR,
AT+CMGD, AT+CMGS (with its "> " prompt), AT+CSQ, AT+CFUN, and several
commands joined by ';'.

It keeps a SIM of SMS-DELIVER PDUs that tests inject (deliver(), built by
the encoder below: GSM-7 or UCS-2, long texts as concatenated parts with a
UDH), announces them with +CMTI, records every SMS-SUBMIT (decoded back to
number and text, parts joined), can send status reports (+CDS or +CDSI) for
what was sent, and misbehaves on demand: hang, answer errors, send garbage,
put unsolicited codes inside answers and before the prompt, stall a
command, vanish and come back.

Python 3 standard library only.
"""

import errno
import os
import random
import select
import threading
import time
import tty

import harness

# GSM 03.38 default alphabet (TS 23.038 6.2.1) and its extension table.
GSM7 = ("@\u00a3$\u00a5\u00e8\u00e9\u00f9\u00ec\u00f2\u00c7\n\u00d8\u00f8\r\u00c5\u00e5"
        "\u0394_\u03a6\u0393\u039b\u03a9\u03a0\u03a8\u03a3\u0398\u039e\x1b\u00c6\u00e6\u00df\u00c9"
        " !\"#\u00a4%&'()*+,-./0123456789:;<=>?"
        "\u00a1ABCDEFGHIJKLMNOPQRSTUVWXYZ\u00c4\u00d6\u00d1\u00dc\u00a7"
        "\u00bfabcdefghijklmnopqrstuvwxyz\u00e4\u00f6\u00f1\u00fc\u00e0")
assert len(GSM7) == 128
GSM7_EXT = {0x0A: "\f", 0x14: "^", 0x28: "{", 0x29: "}", 0x2F: "\\", 0x3C: "[",
            0x3D: "~", 0x3E: "]", 0x40: "|", 0x65: "\u20ac"}
_GSM7_INDEX = {c: i for i, c in enumerate(GSM7) if i != 0x1B}
_GSM7_EXT_INDEX = {c: i for i, c in GSM7_EXT.items()}


# --- PDU codec (3GPP TS 23.040) ---------------------------------------------

def gsm7_septets(text):
    """text as GSM-7 septet values, or None if a character is not in the alphabet."""
    out = []
    for c in text:
        if c in _GSM7_INDEX:
            out.append(_GSM7_INDEX[c])
        elif c in _GSM7_EXT_INDEX:
            out += [0x1B, _GSM7_EXT_INDEX[c]]
        else:
            return None
    return out


def gsm7_text(septets):
    out, esc = [], False
    for s in septets:
        if esc:
            out.append(GSM7_EXT.get(s, GSM7[s]))
            esc = False
        elif s == 0x1B:
            esc = True
        else:
            out.append(GSM7[s])
    return "".join(out)


def pack7(septets, fill=0):
    """Septets into octets after `fill` zero bits (TS 23.038 6.1.2.1.1)."""
    out, acc, nbits = bytearray(), 0, fill
    for s in septets:
        acc |= (s & 0x7F) << nbits
        nbits += 7
        while nbits >= 8:
            out.append(acc & 0xFF)
            acc >>= 8
            nbits -= 8
    if nbits > 0:
        out.append(acc & 0xFF)
    return bytes(out)


def unpack7(data, n, fill=0):
    """n septets from octets, skipping `fill` bits first."""
    out = []
    for i in range(n):
        bit = fill + 7 * i
        byte, off = divmod(bit, 8)
        v = data[byte] >> off
        if off > 1:
            v |= data[byte + 1] << (8 - off) if byte + 1 < len(data) else 0
        out.append(v & 0x7F)
    return out


def semi_octets(digits):
    """"8491234" -> swapped nibbles, F-padded."""
    if len(digits) % 2:
        digits += "F"
    return bytes(int(digits[i + 1] + digits[i], 16) for i in range(0, len(digits), 2))


def from_semi_octets(data, ndigits):
    s = "".join("%X%X" % (b & 0x0F, b >> 4) for b in data)
    return s[:ndigits]


def address(number):
    """TP-OA/TP-DA: length in digits, type, semi-octets (alphanumeric for names)."""
    if number.startswith("+"):
        d = number[1:]
        return bytes([len(d), 0x91]) + semi_octets(d)
    if number.isdigit():
        return bytes([len(number), 0x81]) + semi_octets(number)
    sept = gsm7_septets(number)
    packed = pack7(sept)
    return bytes([(len(sept) * 7 + 3) // 4, 0xD0]) + packed


def smsc_address(number):
    """The SMSC address in front of a PDU: length in octets (type included)."""
    if not number:
        return b"\x00"
    d = number.lstrip("+")
    body = bytes([0x91 if number.startswith("+") else 0x81]) + semi_octets(d)
    return bytes([len(body)]) + body


def scts(t=None, tz_quarters=28):
    """TP-SCTS: local time at tz_quarters (default UTC+7), 7 semi-octet pairs."""
    if t is None:
        t = time.time()
    lt = time.gmtime(int(t) + tz_quarters * 15 * 60)
    vals = [lt.tm_year % 100, lt.tm_mon, lt.tm_mday, lt.tm_hour, lt.tm_min, lt.tm_sec]
    out = bytes(((v % 10) << 4) | (v // 10) for v in vals)
    q = abs(tz_quarters)
    tzb = ((q % 10) << 4) | (q // 10) | (0x08 if tz_quarters < 0 else 0)
    return out + bytes([tzb])


def _udh_concat(ref, total, seq):
    """The concatenation IE, 8-bit reference (TS 23.040 9.2.3.24.1)."""
    return bytes([0x00, 0x03, ref & 0xFF, total, seq])


def deliver_pdu(sender, text, ucs2=None, concat=None, t=None, smsc="+84980200030",
                tz_quarters=28, status_report=False, extra_ie=b""):
    """One SMS-DELIVER with its SMSC address, as bytes.

    text: str. ucs2: force the alphabet (None: GSM-7 when it fits).
    concat: (ref, total, seq) for one part; extra_ie: more UDH elements first.
    """
    sept = None if ucs2 else gsm7_septets(text)
    if ucs2 is False and sept is None:
        raise ValueError("not GSM-7: %r" % text)
    udh = b""
    if concat is not None or extra_ie:
        ies = extra_ie + (_udh_concat(*concat) if concat is not None else b"")
        udh = bytes([len(ies)]) + ies
    first = 0x04 | (0x40 if udh else 0) | (0x20 if status_report else 0)
    if sept is not None:
        dcs = 0x00
        hsept = (len(udh) * 8 + 6) // 7
        fill = hsept * 7 - len(udh) * 8
        ud = udh + pack7(sept, fill)
        udl = hsept + len(sept)
    else:
        dcs = 0x08
        ud = udh + text.encode("utf-16-be")
        udl = len(ud)
    tpdu = (bytes([first]) + address(sender) + bytes([0x00, dcs]) +
            scts(t, tz_quarters) + bytes([udl]) + ud)
    if len(tpdu) > 164:
        raise ValueError("TPDU of %d octets" % len(tpdu))
    return smsc_address(smsc) + tpdu


def _split_units(units, size):
    """Split UTF-16 code units into parts of at most size, never inside a surrogate pair."""
    parts, i = [], 0
    while i < len(units):
        j = min(i + size, len(units))
        if j < len(units) and 0xD800 <= units[j - 1] <= 0xDBFF:
            j -= 1
        parts.append(units[i:j])
        i = j
    return parts


def deliver_pdus(sender, text, ref=None, ucs2=None, **kw):
    """The SMS-DELIVER PDUs of a text: one, or concatenated parts in order."""
    sept = None if ucs2 else gsm7_septets(text)
    if sept is not None and len(sept) <= 160:
        return [deliver_pdu(sender, text, ucs2=False, **kw)]
    if sept is None and len(text.encode("utf-16-be")) <= 140:
        return [deliver_pdu(sender, text, ucs2=True, **kw)]
    if ref is None:
        ref = random.randrange(256)
    if sept is not None:
        chunks, cur, n = [], [], 0
        for c in text:
            w = len(gsm7_septets(c))
            if n + w > 153:
                chunks.append("".join(cur))
                cur, n = [], 0
            cur.append(c)
            n += w
        chunks.append("".join(cur))
        return [deliver_pdu(sender, c, ucs2=False, concat=(ref, len(chunks), i + 1), **kw)
                for i, c in enumerate(chunks)]
    b = text.encode("utf-16-be")
    units = [int.from_bytes(b[i:i + 2], "big") for i in range(0, len(b), 2)]
    parts = _split_units(units, 67)
    out = []
    for i, p in enumerate(parts):
        t = b"".join(u.to_bytes(2, "big") for u in p).decode("utf-16-be")
        out.append(deliver_pdu(sender, t, ucs2=True, concat=(ref, len(parts), i + 1), **kw))
    return out


def status_report_pdu(mr, recipient, status=0x00, t=None, smsc="+84980200030"):
    """An SMS-STATUS-REPORT (TS 23.040 9.2.2.3) with its SMSC address."""
    now = time.time() if t is None else t
    tpdu = (bytes([0x06, mr & 0xFF]) + address(recipient) + scts(now - 5) + scts(now) +
            bytes([status]))
    return smsc_address(smsc) + tpdu


def decode_submit(pdu):
    """An SMS-SUBMIT as AT+CMGS carries it (SMSC address first) -> dict.

    Raises ValueError for anything malformed: the daemon must not send that.
    """
    def need(n):
        if pos + n > len(pdu):
            raise ValueError("short PDU at %d (+%d) of %d" % (pos, n, len(pdu)))

    pos = 0
    need(1)
    pos = 1 + pdu[0]
    need(2)
    first = pdu[pos]
    if first & 0x03 != 0x01:
        raise ValueError("not an SMS-SUBMIT: first octet %02X" % first)
    vpf = (first >> 3) & 0x03
    udhi = bool(first & 0x40)
    srr = bool(first & 0x20)
    mr = pdu[pos + 1]
    pos += 2
    need(2)
    dlen, dtype = pdu[pos], pdu[pos + 1]
    pos += 2
    nb = (dlen + 1) // 2
    need(nb)
    if dtype & 0x70 == 0x50:
        to = gsm7_text(unpack7(pdu[pos:pos + nb], dlen * 4 // 7))
    else:
        to = from_semi_octets(pdu[pos:pos + nb], dlen)
        if dtype & 0x70 == 0x10:
            to = "+" + to
    pos += nb
    need(2)
    pid, dcs = pdu[pos], pdu[pos + 1]
    pos += 2
    vp = None
    if vpf == 2:
        need(1)
        vp = pdu[pos]
        pos += 1
    elif vpf in (1, 3):
        need(7)
        vp = bytes(pdu[pos:pos + 7])
        pos += 7
    need(1)
    udl = pdu[pos]
    pos += 1
    ud = pdu[pos:]
    if dcs & 0xC0 == 0:
        alphabet = (dcs >> 2) & 0x03
    elif dcs & 0xF0 == 0xF0:
        alphabet = 1 if dcs & 0x04 else 0
    else:
        raise ValueError("unexpected DCS %02X" % dcs)
    udh, concat = b"", None
    if alphabet == 0:
        nbytes = (udl * 7 + 7) // 8
        if len(ud) != nbytes:
            raise ValueError("GSM-7 UDL %d wants %d octets, got %d" % (udl, nbytes, len(ud)))
    elif len(ud) != udl:
        raise ValueError("UDL %d, got %d octets" % (udl, len(ud)))
    if udhi:
        if not ud:
            raise ValueError("UDHI without UDH")
        hl = ud[0]
        if hl + 1 > len(ud):
            raise ValueError("UDH longer than the data")
        udh = bytes(ud[1:1 + hl])
        i = 0
        while i + 2 <= len(udh):
            iei, iel = udh[i], udh[i + 1]
            v = udh[i + 2:i + 2 + iel]
            if iei == 0x00 and iel == 3:
                concat = (v[0], v[1], v[2])
            elif iei == 0x08 and iel == 4:
                concat = ((v[0] << 8) | v[1], v[2], v[3])
            i += 2 + iel
    if alphabet == 0:
        hbytes = len(udh) + 1 if udhi else 0
        hsept = (hbytes * 8 + 6) // 7
        fill = hsept * 7 - hbytes * 8
        text = gsm7_text(unpack7(ud[hbytes:], udl - hsept, fill))
    elif alphabet == 2:
        body = bytes(ud[(len(udh) + 1) if udhi else 0:])
        if len(body) % 2:
            raise ValueError("odd UCS-2 length")
        text = body.decode("utf-16-be", errors="strict")
    else:
        text = bytes(ud[(len(udh) + 1) if udhi else 0:]).decode("latin-1")
    return {"to": to, "text": text, "mr": mr, "srr": srr, "vpf": vpf, "vp": vp,
            "dcs": dcs, "pid": pid, "concat": concat, "alphabet": alphabet}


# --- the modem ---------------------------------------------------------------

class Message:
    """A text the daemon sent (its parts joined when all came)."""

    def __init__(self, to, text, mrs, parts, t):
        self.to, self.text, self.mrs, self.parts, self.t = to, text, mrs, parts, t

    def __repr__(self):
        return "Message(to=%r, text=%r, mrs=%r)" % (self.to, self.text, self.mrs)


class ModemSim:
    """A modem on a pty. Start it before the daemon; stop() at the end.

    link: make `device` a symlink at this path (needed for vanish/come_back).
    pin: the SIM wants this PIN first. capacity: SIM slots.
    """

    def __init__(self, link=None, pin=None, capacity=50, rssi=20):
        self.lock = threading.RLock()
        self.link = link
        self.pin = pin
        self.capacity = capacity
        self.rssi = rssi
        self.sim = {}               # index -> [stat, pdu bytes]
        self.commands = []          # (monotonic time, command line)
        self.sent = []              # Message, whole texts
        self.parts = []             # every SMS-SUBMIT decoded, with "mr" and "t"
        self.failed = []            # SMS-SUBMITs answered with an error
        self.deleted = []           # (time, index, pdu) by AT+CMGD
        self.notified = {}          # index -> time of its +CMTI
        self.bad_submits = []       # (hex, reason)
        self.opens = 0              # times the daemon (re)opened the port
        self.hooks = []             # (prefix, fn(command)) run before answering
        self.fails = []             # [prefix, n, answer]
        self.stall_prefix = None
        self.stalled = []
        self.prompt_urcs = []       # PDUs to announce between AT+CMGS and "> "
        self.mid_urcs = []          # raw URC text to put inside the next answer
        self.garbage = False        # garbage lines before every answer
        self.hung = False
        self.hang_until = None
        self.hang_until_reopen = False
        self.ignored = []
        self._reset_modem()
        self._mr = random.randrange(256)
        self._pending = {}          # (to, ref, total) -> {seq: part}
        self._stop = False
        self._master = None
        self._open()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    # The pty.

    def _open(self):
        master, slave = os.openpty()
        tty.setraw(slave)
        self.pts = os.ttyname(slave)
        # Only the daemon holds the slave: when it closes the port the
        # master reads EIO, which is how a reopen is noticed.
        os.close(slave)
        os.set_blocking(master, False)
        self._cmd = bytearray()
        self._prompt = None
        self._closed_seen = True
        self._master = master
        if self.link is not None:
            tmp = self.link + ".new"
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            os.symlink(self.pts, tmp)
            os.replace(tmp, self.link)

    @property
    def device(self):
        return self.link if self.link is not None else self.pts

    def _reset_modem(self):
        """Power-on state (ATZ, AT+CFUN=1,1)."""
        self.echo = True
        self.cmee = 0
        self.cmgf = 1
        self.cnmi = None
        self.mem = "SM"
        self.pin_ok = self.pin is None

    def stop(self):
        self._stop = True
        self._thread.join(harness.stretch(5))
        with self.lock:
            if self._master is not None:
                os.close(self._master)
                self._master = None
            if self.link is not None:
                try:
                    os.unlink(self.link)
                except FileNotFoundError:
                    pass

    def vanish(self):
        """The USB modem is unplugged: the pty goes, and the symlink with it."""
        with self.lock:
            if self._master is not None:
                os.close(self._master)
                self._master = None
            if self.link is not None:
                try:
                    os.unlink(self.link)
                except FileNotFoundError:
                    pass

    def come_back(self):
        """Plugged in again: a new pty (the link points at it), power-on state."""
        with self.lock:
            self._reset_modem()
            self.hung = False
            self._open()

    # Output.

    def _write(self, data):
        if isinstance(data, str):
            data = data.encode("latin-1")
        fd = self._master
        if fd is None:
            return
        # A daemon slow to read (a loaded machine) may fill the pty for a while.
        end = time.monotonic() + harness.stretch(2)
        while data and time.monotonic() < end:
            try:
                n = os.write(fd, data)
                data = data[n:]
            except BlockingIOError:
                select.select([], [fd], [], 0.05)
            except OSError:
                return

    def _line(self, s):
        self._write("\r\n%s\r\n" % s)

    def _garbage(self):
        junk = random.choice(["^RSSI:17", "Call Ready", "+CREG: 1",
                              "\x7f\x01\xfe#@!", "^BOOT:1234,0,0,0,0", "OK?",
                              "+CMTI: garbage", "0791"])
        self._write("\r\n" + junk + "\r\n")

    def urc(self, text):
        """An unsolicited code now (between answers)."""
        with self.lock:
            self._line(text)

    def send_garbage(self, n=3):
        with self.lock:
            for _ in range(n):
                self._garbage()

    # The SIM.

    def _free_index(self):
        for i in range(self.capacity):
            if i not in self.sim:
                return i
        return None

    def store(self, pdu, stat=0):
        """Put a PDU on the SIM without announcing it; its index."""
        with self.lock:
            i = self._free_index()
            if i is None:
                raise RuntimeError("SIM full")
            self.sim[i] = [stat, bytes(pdu)]
            return i

    def deliver(self, pdu, notify=True, mid_response=False):
        """A message arrives: stored, then +CMTI (unless the modem is not set
        up for it, hung, or mid_response puts it inside the next answer)."""
        with self.lock:
            i = self.store(pdu)
            if notify:
                self._announce(i, mid_response)
            return i

    def _announce(self, i, mid_response=False, kind="CMTI"):
        if self.cnmi is None or self._master is None:
            return
        urc = '+%s: "%s",%d' % (kind, self.mem, i)
        if mid_response:
            self.mid_urcs.append(urc)
            return
        if self.hung:
            return
        self.notified[i] = time.monotonic()
        self._line(urc)

    def deliver_direct(self, pdu):
        """+CMT: a message handed over without storing it."""
        with self.lock:
            self._write("\r\n+CMT: ,%d\r\n%s\r\n" % (len(pdu) - 1 - pdu[0], pdu.hex().upper()))

    def report(self, mr, status=0x00, stored=False, recipient=None):
        """A status report for the SMS-SUBMIT with TP-MR mr: +CDS, or stored and +CDSI."""
        with self.lock:
            if recipient is None:
                recipient = next(p["to"] for p in reversed(self.parts) if p["mr"] == mr)
            pdu = status_report_pdu(mr, recipient, status)
            if stored:
                i = self.store(pdu)
                if self.cnmi is not None:
                    self._line('+CDSI: "%s",%d' % (self.mem, i))
                return i
            self._write("\r\n+CDS: %d\r\n%s\r\n" % (len(pdu) - 1 - pdu[0], pdu.hex().upper()))
            return None

    # Misbehaviour.

    def hang(self, seconds=None, until_reopen=True):
        """Stop answering: for seconds, or until the port is closed and opened again."""
        with self.lock:
            self.hung = True
            self.hang_until = time.monotonic() + seconds if seconds else None
            self.hang_until_reopen = until_reopen

    def fail_next(self, n, answer="+CMS ERROR: 500", prefix="AT+CMGS"):
        """Answer the next n commands starting with prefix with answer."""
        with self.lock:
            self.fails.append([prefix.upper(), n, answer])

    def stall(self, prefix):
        """Hold commands starting with prefix unanswered (until release())."""
        with self.lock:
            self.stall_prefix = prefix.upper()

    def release(self):
        with self.lock:
            self.stall_prefix = None
            held, self.stalled = self.stalled, []
            for c in held:
                self._command(c, record=False)

    def on_command(self, prefix, fn):
        """fn(command) runs in the simulator before prefix's answer."""
        with self.lock:
            self.hooks.append((prefix.upper(), fn))

    def urc_before_prompt(self, pdu):
        """The next AT+CMGS: store pdu and announce it before the "> " prompt."""
        with self.lock:
            self.prompt_urcs.append(bytes(pdu))

    # Questions tests ask.

    def seen(self, prefix):
        with self.lock:
            return [c for t, c in self.commands if c.upper().startswith(prefix.upper())]

    def sent_to(self, number):
        with self.lock:
            return [m for m in self.sent if m.to == number]

    def wait(self, pred, timeout=harness.stretch(10.0), what="condition"):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self.lock:
                v = pred()
            if v:
                return v
            time.sleep(0.01)
        raise AssertionError("modemsim: %s not met in %.1f s; last commands: %r" % (
            what, timeout, self.commands[-12:]))

    # Input.

    def _run(self):
        while not self._stop:
            fd = self._master
            if fd is None:
                time.sleep(0.02)
                continue
            try:
                r, _, _ = select.select([fd], [], [], 0.05)
            except (OSError, ValueError):
                time.sleep(0.02)
                continue
            if not r:
                self._tick()
                continue
            try:
                data = os.read(fd, 4096)
            except BlockingIOError:
                continue
            except OSError as e:
                if e.errno == errno.EIO:
                    # No one has the slave open: the daemon closed the port.
                    with self.lock:
                        if not self._closed_seen:
                            self._closed_seen = True
                            self._cmd = bytearray()
                            self._prompt = None
                            self.stalled = []
                    time.sleep(0.02)
                    continue
                time.sleep(0.02)
                continue
            if not data:
                time.sleep(0.02)
                continue
            with self.lock:
                if fd != self._master:
                    continue
                if self._closed_seen:
                    self._closed_seen = False
                    self.opens += 1
                    if self.hang_until_reopen:
                        self.hung = False
                self._feed(data)

    def _tick(self):
        with self.lock:
            if self.hung and self.hang_until is not None and time.monotonic() > self.hang_until:
                self.hung = False

    def _feed(self, data):
        for b in data:
            if self._prompt is not None:
                if b == 0x1A:
                    body, self._prompt = self._prompt, None
                    self._submit(bytes(body))
                elif b == 0x1B:
                    self._prompt = None
                    if not self.hung:
                        self._line("OK")
                elif b not in (0x0D, 0x0A):
                    self._prompt.append(b)
                continue
            if b == 0x1B:
                continue
            if b == 0x0D:
                line, self._cmd = bytes(self._cmd), bytearray()
                self._command(line.decode("latin-1"))
            elif b != 0x0A:
                self._cmd.append(b)
                if len(self._cmd) > 4096:
                    self._cmd = bytearray()

    def _command(self, text, record=True):
        text = text.strip()
        if not text:
            return
        if record:
            self.commands.append((time.monotonic(), text))
        if self.hung:
            self.ignored.append(text)
            return
        up = text.upper()
        if self.stall_prefix is not None and up.startswith(self.stall_prefix):
            self.stalled.append(text)
            return
        for prefix, fn in list(self.hooks):
            if up.startswith(prefix):
                fn(text)
        if self.echo:
            self._write(text + "\r")
        if self.garbage:
            self._garbage()
        for f in self.fails:
            if f[1] > 0 and up.startswith(f[0]) and not up.startswith("AT+CMGS"):
                f[1] -= 1
                self._line(f[2])
                return
        if not up.startswith("AT"):
            self._line("ERROR")
            return
        info, final = [], "OK"
        for cmd in self._split(text[2:]):
            res = self._one(cmd, info)
            if res == "prompt":
                self._flush_mid()
                for pdu in self.prompt_urcs:
                    i = self.store(pdu)
                    self._announce(i)
                self.prompt_urcs = []
                self._write(b"\r\n> ")
                self._prompt = bytearray()
                return
            if res is not None:
                final = res
                break
        for line in info:
            self._write("\r\n%s\r\n" % line if not line.startswith("\x00")
                        else "%s\r\n" % line[1:])
        self._flush_mid()
        self._line(final)

    def _flush_mid(self):
        for u in self.mid_urcs:
            self._line(u)
        self.mid_urcs = []

    @staticmethod
    def _split(body):
        """"Z", "E0+CMEE=1;+CNMI=..." -> commands; quotes respected."""
        out, cur, q = [], "", False
        i = 0
        while i < len(body):
            c = body[i]
            if c == '"':
                q = not q
            if c == ";" and not q:
                out.append(cur)
                cur = ""
            else:
                cur += c
            i += 1
        out.append(cur)
        cmds = []
        for part in out:
            part = part.strip()
            # basic commands can follow each other: "E0V1", "Z"
            while part and part[0] not in "+^&":
                n = 1
                while n < len(part) and part[n].isdigit():
                    n += 1
                cmds.append(part[:n])
                part = part[n:]
            if part:
                cmds.append(part)
        return cmds or [""]

    def _err(self, n):
        if self.cmee == 0:
            return "ERROR"
        return "+CMS ERROR: %d" % n

    def _cme(self, n):
        return "ERROR" if self.cmee == 0 else "+CME ERROR: %d" % n

    def _one(self, cmd, info):
        """One command: None (OK so far), "prompt", or the final error."""
        up = cmd.upper()
        if up in ("", "Z", "&F"):
            if up:
                self._reset_modem()
                self.pin_ok = self.pin_ok or self.pin is None
            return None
        if up in ("E0", "E1"):
            self.echo = up == "E1"
            return None
        if up in ("V1", "Q0", "I"):
            return None
        if up.startswith("+CMEE="):
            self.cmee = int(up[6:] or 0)
            return None
        if up == "+CPIN?":
            info.append("+CPIN: %s" % ("READY" if self.pin_ok else "SIM PIN"))
            return None
        if up.startswith("+CPIN="):
            given = cmd[6:].strip().strip('"')
            if self.pin is not None and given == self.pin:
                self.pin_ok = True
                return None
            return self._cme(16)
        if up.startswith("+CFUN=1,1"):
            self._reset_modem()
            return None
        if up.startswith("+CFUN"):
            return None
        if up == "+CSQ":
            info.append("+CSQ: %d,99" % self.rssi)
            return None
        if not self.pin_ok:
            return self._err(311)
        if up.startswith("+CMGF="):
            self.cmgf = int(up[6:])
            return None
        if up.startswith("+CPMS="):
            mems = [m.strip('"') for m in cmd[6:].split(",")]
            if any(m not in ("SM", "ME", "MT") for m in mems):
                return self._err(302)
            n = len(self.sim)
            info.append("+CPMS: %d,%d,%d,%d,%d,%d" % (n, self.capacity, n, self.capacity,
                                                      n, self.capacity))
            return None
        if up.startswith("+CNMI="):
            self.cnmi = up[6:]
            return None
        if up.startswith("+CMGL"):
            want = int(up.split("=")[1]) if "=" in up else 0
            if self.cmgf != 0:
                return self._err(302)
            for i in sorted(self.sim):
                st, pdu = self.sim[i]
                if want != 4 and st != want:
                    continue
                info.append("+CMGL: %d,%d,,%d" % (i, st, len(pdu) - 1 - pdu[0]))
                info.append("\x00" + pdu.hex().upper())
                if st == 0:
                    self.sim[i][0] = 1
            return None
        if up.startswith("+CMGR="):
            try:
                i = int(up[6:])
            except ValueError:
                return self._err(321)
            if self.cmgf != 0:
                return self._err(302)
            if i not in self.sim:
                return self._err(321)
            st, pdu = self.sim[i]
            info.append("+CMGR: %d,,%d" % (st, len(pdu) - 1 - pdu[0]))
            info.append("\x00" + pdu.hex().upper())
            if st == 0:
                self.sim[i][0] = 1
            return None
        if up.startswith("+CMGD="):
            try:
                i = int(up[6:].split(",")[0])
            except ValueError:
                return self._err(321)
            if i in self.sim:
                self.deleted.append((time.monotonic(), i, self.sim[i][1]))
                del self.sim[i]
            return None
        if up.startswith("+CMGS="):
            if self.cmgf != 0:
                return self._err(302)
            try:
                n = int(up[6:])
            except ValueError:
                return self._err(304)
            if not 1 <= n <= 164:
                return self._err(304)
            self._expect = n
            return "prompt"
        return "ERROR"

    def _submit(self, body):
        """The PDU after the prompt: check it, send it (or fail as asked)."""
        hexs = body.decode("latin-1").strip()
        try:
            pdu = bytes.fromhex(hexs)
            if len(pdu) != self._expect + 1 + pdu[0]:
                raise ValueError("AT+CMGS=%d but a TPDU of %d octets" % (
                    self._expect, len(pdu) - 1 - pdu[0]))
            part = decode_submit(pdu)
        except (ValueError, IndexError) as e:
            self.bad_submits.append((hexs, str(e)))
            self._line(self._err(304))
            return
        for f in self.fails:
            if f[1] > 0 and f[0].startswith("AT+CMGS"):
                f[1] -= 1
                self.failed.append(part)
                self._line(f[2])
                return
        self._mr = (self._mr + 1) % 256
        part["mr"] = self._mr
        part["t"] = time.monotonic()
        part["hex"] = hexs
        self.parts.append(part)
        self._join(part)
        self._line("+CMGS: %d" % self._mr)
        self._line("OK")

    def _join(self, part):
        if part["concat"] is None:
            self.sent.append(Message(part["to"], part["text"], [part["mr"]], [part],
                                     part["t"]))
            return
        ref, total, seq = part["concat"]
        key = (part["to"], ref, total)
        got = self._pending.setdefault(key, {})
        got[seq] = part
        if len(got) == total and all(s in got for s in range(1, total + 1)):
            del self._pending[key]
            ps = [got[s] for s in range(1, total + 1)]
            self.sent.append(Message(part["to"], "".join(p["text"] for p in ps),
                                     [p["mr"] for p in ps], ps, part["t"]))


if __name__ == "__main__":
    # A look at it by hand: python3 modemsim.py, then point a terminal at the pts.
    s = ModemSim()
    print(s.device)
    s.deliver(deliver_pdus("+84912345678", "Xin chao")[0])
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        s.stop()

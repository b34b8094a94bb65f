"""smscsim.py: an SMPP 3.4 SMSC simulator for the tests (Python 3 standard library).

It listens on 127.0.0.1, accepts binds (transceiver, transmitter, receiver)
whose system_id and password match, answers enquire_link and sends its own
on request, accepts submit_sm (each one recorded: addresses, esm_class,
data_coding, UDH, TLVs, the decoded text, the message_id it answered with),
sends deliver_sm built by the test (texts in any coding, UDH/sar/payload
parts, receipts) and records every answer. It misbehaves on demand:
throttling, slow answers, dropped connections, malformed PDUs.

Threads: one accepts, one reads per connection; the test's thread calls
the methods. Everything recorded sits behind one condition variable.
"""

import socket
import struct
import threading
import time

import harness

GENERIC_NACK = 0x80000000
BIND_RECEIVER = 0x00000001
BIND_TRANSMITTER = 0x00000002
SUBMIT_SM = 0x00000004
SUBMIT_SM_RESP = 0x80000004
DELIVER_SM = 0x00000005
DELIVER_SM_RESP = 0x80000005
UNBIND = 0x00000006
UNBIND_RESP = 0x80000006
BIND_TRANSCEIVER = 0x00000009
ENQUIRE_LINK = 0x00000015
ENQUIRE_LINK_RESP = 0x80000015
BINDS = {BIND_RECEIVER: "receiver", BIND_TRANSMITTER: "transmitter",
         BIND_TRANSCEIVER: "transceiver"}

ROK = 0x00
RINVCMDLEN = 0x02
RINVCMDID = 0x03
RINVPASWD = 0x0E
RINVSYSID = 0x0F
RMSGQFUL = 0x14
RTHROTTLED = 0x58
RX_T_APPN = 0x64
RX_P_APPN = 0x65

TLV_RECEIPTED_ID = 0x001E
TLV_SAR_REF = 0x020C
TLV_SAR_TOTAL = 0x020E
TLV_SAR_SEQ = 0x020F
TLV_PAYLOAD = 0x0424
TLV_MESSAGE_STATE = 0x0427

# GSM 03.38 default alphabet and its extension table (after 0x1B).
GSM_BASIC = ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
             "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXT = {0x0A: "\f", 0x14: "^", 0x28: "{", 0x29: "}", 0x2F: "\\", 0x3C: "[",
           0x3D: "~", 0x3E: "]", 0x40: "|", 0x65: "€"}
GSM_ENC = {c: bytes([i]) for i, c in enumerate(GSM_BASIC) if i != 0x1B}
GSM_ENC.update({c: bytes([0x1B, i]) for i, c in GSM_EXT.items()})

MESSAGE_STATES = {"ENROUTE": 1, "DELIVRD": 2, "EXPIRED": 3, "DELETED": 4,
                  "UNDELIV": 5, "ACCEPTD": 6, "UNKNOWN": 7, "REJECTD": 8}


def gsm_encode(text):
    """Text as unpacked GSM-7 septets; ValueError if a character has none."""
    return b"".join(GSM_ENC[c] for c in text)


def gsm_decode(data):
    out, esc = [], False
    for b in data:
        if esc:
            out.append(GSM_EXT.get(b, GSM_BASIC[b & 0x7F]))
            esc = False
        elif b == 0x1B:
            esc = True
        else:
            out.append(GSM_BASIC[b & 0x7F])
    return "".join(out)


def encode(text, coding):
    """Text in a data_coding: 0 GSM-7 (unpacked), 1 ASCII, 3 Latin-1, 8 UCS-2."""
    if coding == 0:
        return gsm_encode(text)
    if coding == 8:
        return text.encode("utf-16-be")
    if coding == 1:
        return text.encode("ascii")
    return text.encode("latin-1")


def decode(data, coding):
    if coding == 0:
        return gsm_decode(data)
    if coding == 8:
        return data.decode("utf-16-be", "replace")
    return data.decode("latin-1")


def cstr(s, maxlen=None):
    b = s.encode("latin-1") if isinstance(s, str) else s
    if maxlen is not None:
        assert len(b) < maxlen, (s, maxlen)
    return b + b"\0"


def tlv(tag, value):
    return struct.pack(">HH", tag, len(value)) + value


def pdu(cmd, status, seq, body=b""):
    return struct.pack(">IIII", 16 + len(body), cmd, status, seq) + body


def sm_body(source, dest, data, coding=0, esm_class=0, tlvs=b"", src_ton=1, src_npi=1,
            dst_ton=0, dst_npi=1, registered_delivery=0):
    """The body of a deliver_sm (or submit_sm): fixed fields, short_message, TLVs."""
    if len(data) > 254:
        raise ValueError("short_message over 254 octets: use message_payload")
    return (cstr("") + bytes([src_ton, src_npi]) + cstr(source) +
            bytes([dst_ton, dst_npi]) + cstr(dest) +
            bytes([esm_class, 0, 0]) + cstr("") + cstr("") +
            bytes([registered_delivery, 0, coding, 0, len(data)]) + data + tlvs)


class Reader:
    """A cursor over a body; IndexError/ValueError on anything short or broken."""

    def __init__(self, b):
        self.b, self.i = b, 0

    def u8(self):
        v = self.b[self.i]
        self.i += 1
        return v

    def cstr(self):
        j = self.b.index(b"\0", self.i)
        s = self.b[self.i:j].decode("latin-1")
        self.i = j + 1
        return s

    def take(self, n):
        if self.i + n > len(self.b):
            raise ValueError("short")
        v = self.b[self.i:self.i + n]
        self.i += n
        return v


def parse_sm(body):
    """A submit_sm/deliver_sm body as a dict."""
    r = Reader(body)
    m = {"service_type": r.cstr(), "src_ton": r.u8(), "src_npi": r.u8(),
         "source": r.cstr(), "dst_ton": r.u8(), "dst_npi": r.u8(), "dest": r.cstr(),
         "esm_class": r.u8(), "protocol_id": r.u8(), "priority": r.u8(),
         "schedule": r.cstr(), "validity": r.cstr(), "registered_delivery": r.u8(),
         "replace": r.u8(), "data_coding": r.u8(), "default_msg_id": r.u8()}
    n = r.u8()
    m["short_message"] = r.take(n)
    tlvs = {}
    while r.i < len(body):
        tag, ln = struct.unpack(">HH", r.take(4))
        tlvs[tag] = r.take(ln)
    m["tlvs"] = tlvs
    data = tlvs.get(TLV_PAYLOAD, m["short_message"])
    m["udh"] = None
    m["concat"] = None
    if m["esm_class"] & 0x40 and data:
        hl = data[0] + 1
        m["udh"] = data[:hl]
        i = 1
        while i + 2 <= hl:
            iei, iel = data[i], data[i + 1]
            v = data[i + 2:i + 2 + iel]
            if iei == 0 and iel == 3:
                m["concat"] = (v[0], v[1], v[2])
            elif iei == 8 and iel == 4:
                m["concat"] = ((v[0] << 8) | v[1], v[2], v[3])
            i += 2 + iel
        data = data[hl:]
    elif TLV_SAR_REF in tlvs:
        m["concat"] = (struct.unpack(">H", tlvs[TLV_SAR_REF])[0],
                       tlvs[TLV_SAR_TOTAL][0], tlvs[TLV_SAR_SEQ][0])
    m["data"] = data
    m["text"] = decode(data, m["data_coding"])
    return m


class Conn:
    """One ESME connection."""

    def __init__(self, smsc, sock, addr):
        self.smsc = smsc
        self.sock = sock
        self.addr = addr
        self.bound = None          # "transceiver", "transmitter", "receiver"
        self.closed = False
        self.batch = []            # submits whose answers are not sent yet
        self.seq = 0
        self.wlock = threading.Lock()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def next_seq(self):
        with self.wlock:
            self.seq += 1
            return self.seq

    def send(self, data):
        with self.wlock:
            if self.closed:
                return False
            try:
                self.sock.sendall(data)
                return True
            except OSError:
                return False

    def close(self):
        with self.wlock:
            if self.closed:
                return
            self.closed = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        with self.smsc.cv:
            self.bound = None
            self.smsc.cv.notify_all()

    def run(self):
        buf = b""
        try:
            while not self.closed:
                try:
                    chunk = self.sock.recv(65536)
                except OSError:
                    break
                if not chunk:
                    break
                buf += chunk
                out = []
                while len(buf) >= 16:
                    length, cmd, status, seq = struct.unpack(">IIII", buf[:16])
                    if length < 16 or length > 65536:
                        self.smsc._record("bad_lengths", (length, cmd))
                        self.close()
                        return
                    if len(buf) < length:
                        break
                    body = buf[16:length]
                    buf = buf[length:]
                    r = self.smsc._handle(self, cmd, status, seq, body)
                    if r is False and self.smsc.dropping:
                        # Dropped: the answers not yet written are lost too.
                        with self.smsc.cv:
                            self.smsc.dropping = False
                            for m in self.batch:
                                m.update(status=None, lost=True)
                            self.smsc.cv.notify_all()
                        self.close()
                        return
                    if r is False:
                        if out:
                            self.send(b"".join(out))
                        self.close()
                        return
                    if r:
                        out.append(r)
                if out:
                    delay = self.smsc.resp_delay
                    if delay:
                        time.sleep(delay)
                    self.send(b"".join(out))
                self.batch = []
        finally:
            self.close()


class SMSC:
    """The simulator. port: where to listen (a free one if None).

    id_format: "hex" or "dec", how submit_sm_resp writes message ids.
    enquire_link: seconds between our own enquire_links (None: never).
    record_text: False keeps only counts of submits (benchmarks).
    """

    def __init__(self, system_id="checkind", password="pw", port=None, id_format="hex",
                 enquire_link=None, record_text=True):
        self.system_id = system_id
        self.password = password
        self.id_format = id_format
        self.record_text = record_text
        self.cv = threading.Condition()
        self.conns = []
        self.binds = []            # (kind, system_id, password, system_type, status)
        self.submits = []          # dicts, see parse_sm, plus seq, id, status, t
        self.nsubmits = 0
        self.first_t = self.last_t = None     # monotonic times of the first and last submit
        self.deliver_resps = {}    # (conn id, seq) -> (status, time)
        self.dup_resps = []        # (seq, status) of a second answer to one deliver_sm
        self.nacks = []            # (status, seq) of generic_nack received
        self.unbinds = 0
        self.unbind_resps = 0
        self.enquire_links = 0
        self.enquire_link_resps = 0
        self.bad_lengths = []
        self.unknown = []
        # Misbehaviour knobs: set them from the test.
        self.throttle_next = 0     # answer ESME_RTHROTTLED to this many submits
        self.fail_next = 0         # answer fail_status to this many submits
        self.fail_status = 0x45
        self.drop_at = None        # close without answering the submit_sm number N (1-based)
        self.dropping = False
        self.resp_delay = 0.0      # seconds before each batch of answers
        self.answer_submits = True
        self.answer_enquire = True
        self.on_deliver_resp = None    # callback(status, seq) in the reader thread
        # Hex ids with a letter in them, so that hex and decimal cannot be confused.
        self._next_id = 0xABC000 + (int(time.time() * 1000) % 0x1000)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.port = self._listen(port)
        self.sock.listen(16)
        self.stopping = False
        self.acceptor = threading.Thread(target=self._accept, daemon=True)
        self.acceptor.start()
        self.link_thread = None
        if enquire_link:
            self.link_thread = threading.Thread(target=self._links, args=(enquire_link,),
                                                daemon=True)
            self.link_thread.start()

    def _listen(self, port):
        if port is not None:
            self.sock.bind(("127.0.0.1", port))
            return port
        for _ in range(20):
            p = harness.free_port()
            try:
                self.sock.bind(("127.0.0.1", p))
                return p
            except OSError:
                continue
        raise RuntimeError("no free port")

    def _accept(self):
        while not self.stopping:
            try:
                s, addr = self.sock.accept()
            except OSError:
                return
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            c = Conn(self, s, addr)
            with self.cv:
                self.conns.append(c)
            c.thread.start()

    def _links(self, every):
        while not self.stopping:
            time.sleep(every)
            for c in self.bound_conns():
                c.send(pdu(ENQUIRE_LINK, 0, c.next_seq()))

    def stop(self):
        self.stopping = True
        try:
            self.sock.close()
        except OSError:
            pass
        for c in list(self.conns):
            c.close()

    # Recording.

    def _record(self, name, value):
        with self.cv:
            getattr(self, name).append(value)
            self.cv.notify_all()

    def wait(self, cond, timeout=harness.stretch(10.0)):
        """Wait until cond() (called under the lock) is true; its value or None."""
        end = time.monotonic() + timeout
        with self.cv:
            while True:
                v = cond()
                if v:
                    return v
                left = end - time.monotonic()
                if left <= 0:
                    return None
                self.cv.wait(min(left, 0.1))

    def bound_conns(self, receiver=None):
        with self.cv:
            out = [c for c in self.conns if c.bound and not c.closed]
        if receiver:
            out = [c for c in out if c.bound in ("transceiver", "receiver")]
        return out

    def wait_bound(self, timeout=harness.stretch(10.0), n=1):
        return self.wait(lambda: len([c for c in self.conns
                                      if c.bound and not c.closed]) >= n, timeout)

    def wait_submits(self, n, timeout=harness.stretch(10.0)):
        return self.wait(lambda: self.nsubmits >= n, timeout)

    def accepted(self):
        """The submits answered with status 0."""
        with self.cv:
            return [s for s in self.submits if s["status"] == 0]

    def new_id(self):
        with self.cv:
            self._next_id += 1
            n = self._next_id
        return n

    def fmt_id(self, n, fmt=None):
        return ("%x" if (fmt or self.id_format) == "hex" else "%d") % n

    # The protocol.

    def _handle(self, conn, cmd, status, seq, body):
        h = self.HANDLERS.get(cmd)
        if h is not None:
            return h(self, conn, status, seq, body)
        if cmd & 0x80000000:
            self._record("unknown", (cmd, seq))
            return None
        self._record("unknown", (cmd, seq))
        return pdu(GENERIC_NACK, RINVCMDID, seq)

    def _bind(self, conn, status, seq, body, cmd):
        try:
            r = Reader(body)
            sid, pw, stype = r.cstr(), r.cstr(), r.cstr()
        except (IndexError, ValueError):
            return pdu(GENERIC_NACK, RINVCMDLEN, seq)
        st = ROK
        if sid != self.system_id:
            st = RINVSYSID
        elif pw != self.password:
            st = RINVPASWD
        with self.cv:
            self.binds.append((BINDS[cmd], sid, pw, stype, st))
            if st == ROK:
                conn.bound = BINDS[cmd]
            self.cv.notify_all()
        return pdu(cmd | 0x80000000, st, seq, cstr("smscsim") if st == ROK else b"")

    def _submit(self, conn, status, seq, body):
        try:
            m = parse_sm(body) if self.record_text else None
        except (IndexError, ValueError, KeyError):
            return pdu(GENERIC_NACK, RINVCMDLEN, seq)
        with self.cv:
            self.nsubmits += 1
            n = self.nsubmits
            self.last_t = time.monotonic()
            if n == 1:
                self.first_t = self.last_t
            if self.drop_at is not None and n == self.drop_at:
                # The SMSC took it, but its answer is lost with the connection,
                # and so are the answers to the others read with it.
                self.drop_at = None
                self.dropping = True
                if m is not None:
                    m.update(seq=seq, id=None, status=None, t=time.monotonic(), lost=True)
                    self.submits.append(m)
                self.cv.notify_all()
                return False
            st, mid = ROK, None
            if not self.answer_submits:
                pass
            elif self.throttle_next > 0:
                self.throttle_next -= 1
                st = RTHROTTLED
            elif self.fail_next > 0:
                self.fail_next -= 1
                st = self.fail_status
            else:
                self._next_id += 1
                mid = self._next_id
            if not self.answer_submits:
                st, mid = None, None
            if m is not None:
                m.update(seq=seq, id=mid, status=st, t=time.monotonic(), lost=st is None)
                self.submits.append(m)
                conn.batch.append(m)
            self.cv.notify_all()
        if st is None:
            return None
        return pdu(SUBMIT_SM_RESP, st, seq,
                   cstr(self.fmt_id(mid)) if mid is not None else b"")

    def _deliver_resp(self, conn, status, seq, body):
        # The test's look at the database comes first, before anyone wakes.
        if self.on_deliver_resp is not None:
            self.on_deliver_resp(status, seq)
        with self.cv:
            if (id(conn), seq) in self.deliver_resps:
                self.dup_resps.append((seq, status))   # the first answer stands
            else:
                self.deliver_resps[(id(conn), seq)] = (status, time.monotonic())
            self.cv.notify_all()
        return None

    def _enquire(self, conn, status, seq, body):
        with self.cv:
            self.enquire_links += 1
            self.cv.notify_all()
        if not self.answer_enquire:
            return None
        return pdu(ENQUIRE_LINK_RESP, 0, seq)

    def _enquire_resp(self, conn, status, seq, body):
        with self.cv:
            self.enquire_link_resps += 1
            self.cv.notify_all()
        return None

    def _unbind(self, conn, status, seq, body):
        with self.cv:
            self.unbinds += 1
            conn.bound = None
            self.cv.notify_all()
        conn.send(pdu(UNBIND_RESP, 0, seq))
        return False

    def _unbind_resp(self, conn, status, seq, body):
        with self.cv:
            self.unbind_resps += 1
            self.cv.notify_all()
        return False

    def _nack(self, conn, status, seq, body):
        self._record("nacks", (status, seq))
        return None

    HANDLERS = {
        BIND_TRANSCEIVER: lambda s, c, st, q, b: s._bind(c, st, q, b, BIND_TRANSCEIVER),
        BIND_TRANSMITTER: lambda s, c, st, q, b: s._bind(c, st, q, b, BIND_TRANSMITTER),
        BIND_RECEIVER: lambda s, c, st, q, b: s._bind(c, st, q, b, BIND_RECEIVER),
        SUBMIT_SM: _submit,
        DELIVER_SM_RESP: _deliver_resp,
        ENQUIRE_LINK: _enquire,
        ENQUIRE_LINK_RESP: _enquire_resp,
        UNBIND: _unbind,
        UNBIND_RESP: _unbind_resp,
        GENERIC_NACK: _nack,
    }

    # Sending to the ESME.

    def conn(self):
        """The bound connection deliver_sm goes on (a transceiver or receiver)."""
        cs = self.bound_conns(receiver=True)
        if not cs:
            raise AssertionError("no bound receiver connection")
        return cs[-1]

    def send_raw(self, data, conn=None):
        """Bytes as they are (malformed PDUs); the connection used."""
        c = conn or self.conn()
        c.send(data)
        return c

    def deliver_body(self, body, conn=None):
        """One deliver_sm with this body; (conn, seq) to wait on."""
        c = conn or self.conn()
        seq = c.next_seq()
        c.send(pdu(DELIVER_SM, 0, seq, body))
        return (c, seq)

    def deliver(self, source, text, dest="8088", coding=0, esm_class=0, tlvs=b"",
                data=None, conn=None):
        """A deliver_sm of text (or raw data) in coding; (conn, seq)."""
        if data is None:
            data = encode(text, coding)
        return self.deliver_body(sm_body(source, dest, data, coding, esm_class, tlvs),
                                 conn)

    def deliver_parts(self, source, text, dest="8088", coding=8, mode="udh", ref=0x42,
                      per=67, order=None, udh16=False):
        """A long text as parts (mode "udh", "sar", or "payload": one PDU),
        sent in order (a list of 1-based part numbers); the (conn, seq) of each."""
        if mode == "payload":
            data = encode(text, coding)
            return [self.deliver(source, None, dest, coding, 0,
                                 tlv(TLV_PAYLOAD, data), data=b"")]
        chunks = [text[i:i + per] for i in range(0, len(text), per)]
        total = len(chunks)
        order = order or list(range(1, total + 1))
        out = []
        for n in order:
            data = encode(chunks[n - 1], coding)
            if mode == "udh":
                if udh16:
                    udh = bytes([6, 8, 4, ref >> 8, ref & 0xFF, total, n])
                else:
                    udh = bytes([5, 0, 3, ref & 0xFF, total, n])
                out.append(self.deliver(source, None, dest, coding, 0x40,
                                        data=udh + data))
            else:
                t = (tlv(TLV_SAR_REF, struct.pack(">H", ref)) +
                     tlv(TLV_SAR_TOTAL, bytes([total])) + tlv(TLV_SAR_SEQ, bytes([n])))
                out.append(self.deliver(source, None, dest, coding, 0, t, data=data))
        return out

    def receipt(self, submit, stat="DELIVRD", err="000", id_format="dec", tlvs=False,
                conn=None):
        """A delivery receipt for a recorded submit; (conn, seq). The id in the
        text is written in id_format; tlvs adds receipted_message_id (as
        submit_sm_resp wrote it) and message_state."""
        mid = self.fmt_id(submit["id"], id_format)
        now = time.strftime("%y%m%d%H%M")
        text = ("id:%s sub:001 dlvrd:%s submit date:%s done date:%s stat:%s err:%s "
                "text:%s" % (mid, "001" if stat == "DELIVRD" else "000", now, now, stat,
                             err, submit.get("text", "")[:20]))
        t = b""
        if tlvs:
            t = (tlv(TLV_RECEIPTED_ID, cstr(self.fmt_id(submit["id"]))) +
                 tlv(TLV_MESSAGE_STATE, bytes([MESSAGE_STATES[stat]])))
        return self.deliver(submit["dest"], None, submit["source"], 1, 0x04, t,
                            data=text.encode("latin-1")[:254], conn=conn)

    def resp(self, key):
        """The (status, time) answer to a deliver_sm, or None yet."""
        c, seq = key
        with self.cv:
            return self.deliver_resps.get((id(c), seq))

    def wait_resp(self, key, timeout=harness.stretch(10.0)):
        """The status the ESME answered a deliver_sm with; None if none came."""
        c, seq = key
        r = self.wait(lambda: self.deliver_resps.get((id(c), seq)), timeout)
        return None if r is None else r[0]

    def drop(self):
        """Close every connection abruptly."""
        for c in list(self.conns):
            c.close()

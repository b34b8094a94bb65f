# src/codec: pure codecs: GSM 03.38, SMS PDU, SMPP PDU, text folding, venue codes, numbers, reply templates.
noinst_LIBRARIES += libcodec.a
libcodec_a_SOURCES = src/codec/web.c src/codec/web.h src/codec/code.c src/codec/code.h src/codec/gsm.c src/codec/gsm.h \
	src/codec/msg.c src/codec/msg.h src/codec/number.c src/codec/number.h src/codec/pdu.c \
	src/codec/pdu.h src/codec/smpp-pdu.c src/codec/smpp-pdu.h src/codec/text.c \
	src/codec/text.h

# src/chan: the ways in: HTTP webhooks and their formats, SMPP binds, GSM modems.
noinst_LIBRARIES += libchan.a
libchan_a_SOURCES = src/chan/chan-http.c src/chan/chan-http.h src/chan/chan.c \
	src/chan/chan.h src/chan/fmt.c src/chan/fmt.h src/chan/httpd.c src/chan/httpd.h \
	src/chan/modem-at.c src/chan/modem-at.h src/chan/modem.c src/chan/route-drivers.c \
	src/chan/route-drivers.h src/chan/smpp.c src/chan/voice-fmt.c

# src/send: the way out: the outbox and its drivers (libcurl).
noinst_LIBRARIES += libsend.a
libsend_a_SOURCES = src/send/outbox.c src/send/outbox.h src/send/send-http.c \
	src/send/send-http.h src/send/send.c src/send/send.h

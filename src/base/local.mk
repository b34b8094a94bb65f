# src/base: allocation, checked numbers, buffers, logs, time zones: what every layer shares.
noinst_LIBRARIES += libbase.a
libbase_a_SOURCES = src/base/base.h src/base/buf.c src/base/buf.h src/base/log.c \
	src/base/log.h src/base/num.c src/base/tz.c src/base/tz.h src/base/xmalloc.c

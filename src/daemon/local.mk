# src/daemon: checkind's start-up: the loop, signals, reload.
noinst_LIBRARIES += libdaemon.a
libdaemon_a_SOURCES = src/daemon/server.c src/daemon/server.h

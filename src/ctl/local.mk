# src/ctl: checkinctl, the administrator's tool: the command line in ctl.c,
# a family of commands a file (cmd-*.c).
noinst_LIBRARIES += libctl.a
libctl_a_SOURCES = src/ctl/ctl.c src/ctl/ctl.h src/ctl/ctl-cmd.h \
	src/ctl/cmd-alert.c src/ctl/cmd-config.c src/ctl/cmd-outbox.c src/ctl/cmd-poster.c \
	src/ctl/cmd-purge.c src/ctl/cmd-report.c src/ctl/cmd-token.c \
	src/ctl/cmd-trace.c src/ctl/cmd-venue-import.c src/ctl/cmd-venue.c \
	src/ctl/cmd-venue-call.c \
	src/ctl/cmd-inspector.c

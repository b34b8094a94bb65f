# src/ctl: checkinctl, the administrator's tool.
noinst_LIBRARIES += libctl.a
libctl_a_SOURCES = src/ctl/ctl.c src/ctl/ctl.h

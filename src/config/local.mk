# src/config: the configuration: every setting described once, validated at load.
noinst_LIBRARIES += libconfig.a
libconfig_a_SOURCES = src/config/config.c src/config/config.h

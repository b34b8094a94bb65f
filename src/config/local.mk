# src/config: the configuration: every setting described once, validated at load.
noinst_LIBRARIES += libconfig.a
libconfig_a_SOURCES = src/config/config.c src/config/config.h \
	src/config/config-impl.h src/config/config-check.c \
	src/config/config-routes.c src/config/config-texts.c \
	src/config/config-admin.c src/config/config-voice.c

# src/core: the decision: the SMS grammar, the dialog, the USSD menu, the group commit, metrics.
noinst_LIBRARIES += libcore.a
libcore_a_SOURCES = src/core/dialog.c src/core/dialog.h src/core/inbound.c \
	src/core/inbound.h src/core/metrics.c src/core/metrics.h src/core/parse.c \
	src/core/parse.h src/core/ussd.c src/core/ussd.h \
	src/core/find.c src/core/find.h src/core/voice.c src/core/voice.h \
	src/core/ward.c src/core/ward.h

/*
 * fuzz-config.c: libFuzzer target for the configuration loader (config.c
 * over libconfig). The input is a configuration file, written to a
 * temporary file; a configuration that loads is then asked what the
 * daemon asks of it (routes by name and number, questions, inbound paths,
 * allow lists, tokens, listen addresses) and checked against the limits
 * config.c promises.
 */
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "base/log.h"
#include "config/config.h"
#include "chan/fmt.h"
#include "chan/route-drivers.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Ask the configuration what the daemon asks it. */
static void
fuzz_use(const struct config *cfg)
{
	static const unsigned char	 v4[4] = { 127, 0, 0, 1 };
	static const unsigned char	 v6[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	const struct question_set	*qs;
	const struct route		*r;
	char				 host[256];
	uint16_t			 port;
	size_t				 i;

	if (cfg->code_digits < 4 || cfg->code_digits > 9 || cfg->database == NULL)
		abort();
	qs = config_questions(cfg, "default");
	if (qs == NULL || config_questions(cfg, "checkpoint") == NULL)
		abort();
	for (i = 0; i < qs->nquestions; i++) {
		if (qs->questions[i].id == NULL)
			abort();
	}
	for (i = 0; i < cfg->nroutes; i++) {
		if (config_route(cfg, cfg->routes[i].name) == NULL)
			abort();
	}
	r = config_route_for(cfg, "+84912345678");
	if (cfg->nroutes > 0 && r == NULL)
		abort();
	for (i = 0; i < cfg->ninbound; i++) {
		if (config_inbound_by_path(cfg, cfg->inbound[i].path) == NULL)
			abort();
		config_allowed(&cfg->inbound[i], AF_INET, v4);
		config_allowed(&cfg->inbound[i], AF_INET6, v6);
	}
	config_token(cfg, "not-a-token");
	if (cfg->http_listen != NULL)
		config_listen_split(cfg->http_listen, host, sizeof host, &port);
	if (cfg->admin_listen != NULL)
		config_listen_split(cfg->admin_listen, host, sizeof host, &port);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int	 init;
	struct config	*cfg;
	char		 path[] = "/tmp/fuzz-config.XXXXXX", err[1024];
	int		 fd;

	if (!init) {
		log_init(1, getenv("FUZZ_DEBUG") != NULL ? 1 : -1);
		init = 1;
	}
	/* A file of its own each time, gone before anything can abort. */
	if ((fd = mkstemp(path)) == -1)
		fatal("mkstemp");
	if (write(fd, data, size) != (ssize_t)size)
		fatal("write %s", path);
	close(fd);
	err[0] = '\0';
	cfg = config_load(path, route_drivers, fmt_formats, err, sizeof err);
	unlink(path);
	if (cfg == NULL) {
		if (err[0] == '\0')
			abort();	/* every refusal says why */
		log_debug("fuzz: refused: %s", err);
		return 0;
	}
	log_debug("fuzz: loaded: %zu routes, %zu inbound", cfg->nroutes, cfg->ninbound);
	fuzz_use(cfg);
	config_free(cfg);
	return 0;
}

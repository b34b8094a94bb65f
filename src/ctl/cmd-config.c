/*
 * cmd-config.c: checkinctl check-config, the configuration as the daemon
 * would load it, and what in it leaves callers trusted that should not be
 * (config_findings): 0 clean, 1 findings, 2 the file is refused.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "base/base.h"
#include "config/config.h"
#include "chan/fmt.h"
#include "chan/route-drivers.h"
#include "ctl/ctl-cmd.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

static void
cmd_config_finding(void *arg, const char *route, const char *what)
{
	const char	*file = arg;

	printf("%s: route %s: %s\n", file, route, what);
}

int
cmd_config_check(struct ctl *ctl, const struct ctl_cmd *cmd, int argc,
    char **argv)
{
	struct config	*cfg;
	const char	*file;
	char		 err[512];
	size_t		 n;

	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		fprintf(stderr, "usage: checkinctl %s %s\n", cmd->name,
		    cmd->usage);
		return 2;
	}
	if (argc == 2)
		file = argv[1];
	else if (ctl->config_file != NULL)
		file = ctl->config_file;
	else
		file = SYSCONFDIR "/checkind.conf";
	if ((cfg = config_load(file, route_drivers, fmt_formats, err,
	    sizeof err)) == NULL) {
		printf("%s\n", err);
		return 2;
	}
	n = config_findings(cfg, cmd_config_finding, (void *)(uintptr_t)file);
	if (n == 0)
		printf("%s: no findings\n", file);
	config_free(cfg);
	return n == 0 ? 0 : 1;
}

/* checkind.c: the daemon's command line. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/base.h"
#include "daemon/server.h"

static __dead void
usage(void)
{
	fprintf(stderr, "usage: checkind [-fv] [-c file]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char	*cfg = SYSCONFDIR "/checkind.conf";
	int		 ch, foreground = 0, verbose = 0;

	while ((ch = getopt(argc, argv, "c:fv")) != -1) {
		switch (ch) {
		case 'c':
			cfg = optarg;
			break;
		case 'f':
			foreground = 1;
			break;
		case 'v':
			verbose++;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	return server_main(cfg, foreground, verbose);
}

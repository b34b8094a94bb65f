/* checkinctl.c: the administrator's command line. */
#include "ctl.h"

int
main(int argc, char **argv)
{
	return ctl_main(argc, argv);
}

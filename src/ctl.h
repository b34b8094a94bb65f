/* ctl.h: checkinctl's commands, working on the database directly. */
#ifndef CTL_H
#define CTL_H

/* Run one checkinctl command line (argv after the global options). Exit status. */
int	ctl_main(int argc, char **argv);

#endif

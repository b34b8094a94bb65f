/* ctl.h: checkinctl's commands, working on the database directly. */
#ifndef CTL_H
#define CTL_H

/* Run checkinctl's whole command line (global options, command, its options). Exit status. */
int	ctl_main(int argc, char **argv);

#endif

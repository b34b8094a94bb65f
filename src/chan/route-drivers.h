/*
 * route-drivers.h: every route driver, one entry each: the settings its
 * routes need, its sender, its link of its own. Handed to config_load by
 * the daemon, checkinctl and the tests.
 */
#ifndef ROUTE_DRIVERS_H
#define ROUTE_DRIVERS_H

#include "config/config.h"

/* kannel, africastalking, twilio, json, null, smpp, modem; then a NULL name. */
extern const struct route_driver route_drivers[];

#endif

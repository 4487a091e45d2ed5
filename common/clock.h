/*
 * clock — microsecond readings of the monotonic clock (for intervals and
 * deadlines) and of the wall clock (for timestamps that are stored).
 */
#ifndef FW_CLOCK_H
#define FW_CLOCK_H

#include <stdint.h>

int64_t clock_mono_us(void);
int64_t clock_wall_us(void);

#endif

/*
 * log — stderr diagnostics with a process-wide verbosity threshold.
 * Every line starts with "fluxwatch: " so it can be told apart from the
 * data a verb prints on stdout.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"

static enum log_level log_level = LOG_LEVEL_INFO;

void
log_set_level(enum log_level level)
{
	log_level = level;
}

enum log_level
log_get_level(void)
{
	return log_level;
}

static void
log_vwrite(enum log_level level, const char *errtext, const char *fmt, va_list ap)
{
	if (level > log_level)
		return;
	fputs("fluxwatch: ", stderr);
	vfprintf(stderr, fmt, ap);
	if (errtext != NULL)
		fprintf(stderr, ": %s", errtext);
	fputc('\n', stderr);
}

void
log_warn(const char *fmt, ...)
{
	const char *errtext = strerror(errno);
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_LEVEL_ERROR, errtext, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_LEVEL_ERROR, NULL, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_LEVEL_INFO, NULL, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_LEVEL_DEBUG, NULL, fmt, ap);
	va_end(ap);
}

/*
 * log — one place that writes diagnostics to stderr.
 *
 * Modules return errors; the command layer (or a module boundary that
 * translates a library's error) reports them here, once. Verbosity is
 * process-wide: -q shows errors only, default adds notices, -v adds debug.
 * log_warn() appends strerror(errno); log_warnx() does not (OpenSMTPD style).
 */
#ifndef FW_LOG_H
#define FW_LOG_H

enum log_level { LOG_LEVEL_ERROR = 0, LOG_LEVEL_INFO = 1, LOG_LEVEL_DEBUG = 2 };

/* Set the process-wide threshold; messages above it are dropped. */
void log_set_level(enum log_level level);
enum log_level log_get_level(void);

void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif

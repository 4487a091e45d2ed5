/*
 * fuzz_cfg — libFuzzer harness: arbitrary bytes as a configuration file
 * through cfg_load_string(); an error must be a message, never a crash.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "common/cfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	struct cfg cfg;

	if (cfg_load_string("fuzz.yaml", (const char *)data, size, &cfg, err, sizeof(err)) == 0)
		cfg_free(&cfg);
	else if (err[0] == '\0')
		abort();
	return 0;
}

/*
 * fuzz_name — libFuzzer harness: arbitrary bytes as a seed or feed entry
 * through name_from_entry(); an accepted name must be a valid, bounded
 * lower-case name.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/name.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[NAME_BUFSZ];

	if (name_from_entry((const char *)data, size, out) == NAME_OK) {
		size_t n = strlen(out);

		if (n == 0 || n > NAME_MAX_LEN || strspn(out, "abcdefghijklmnopqrstuvwxyz0123456789-_.") != n)
			abort();
	}
	return 0;
}

/*
 * fuzz_dns — libFuzzer harness: arbitrary bytes as a DNS response through
 * dns_parse(), the code that turns what a resolver sends into records.
 */
#include <stddef.h>
#include <stdint.h>

#include "crawler/dns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dns_answer ans;

	dns_parse(data, size, &ans);
	return 0;
}

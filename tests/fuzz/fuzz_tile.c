/*
 * fuzz_tile.c - libFuzzer target for ledger_tile_parse (ledger/ledger.h),
 * the parser of the public /log/tile/ paths (C2SP tlog-tiles).
 *
 * Checks, for any path: 0 or -1; an accepted path has level -1..63, index
 * >= 0 and width 1..256, and printing it again with ledger_tile_path gives
 * exactly the same path (one spelling per tile, so caches cannot be
 * poisoned by aliases).
 */
#include "core/core.h"
#include "ledger/ledger.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *path = xstrndup((const char *)data, size);
	int level = 0, width = 0;
	long long index = 0;
	int rc = ledger_tile_parse(path, &level, &index, &width);
	if (rc != 0 && rc != -1)
		BUG("ledger_tile_parse returned %d", rc);
	if (rc == 0) {
		if (level < -1 || level > 63 || index < 0 || width < 1 || width > 256)
			BUG("accepted tile out of range: level %d index %lld width %d", level, index, width);
		struct buf again = BUF_INIT;
		ledger_tile_path(level, index, width, &again);
		if (strcmp(buf_str(&again), path) != 0)
			BUG("tile path '%s' is spelt '%s'", path, buf_str(&again));
		buf_release(&again);
	}
	free(path);
	return 0;
}

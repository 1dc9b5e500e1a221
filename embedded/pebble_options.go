package embedded

import "github.com/cockroachdb/pebble/v2"

// PebbleOptions returns the Pebble options a store opened with opts uses
// (defaults filled in as Open fills them), so that a benchmark can measure
// Pebble alone beside the store on the same settings (bench's floor of the
// bulk import). The caller unrefs the options' cache once its database is
// open.
func PebbleOptions(opts Options) *pebble.Options {
	if opts.CacheBytes == 0 {
		opts.CacheBytes = 256 << 20
	}
	if opts.MemTableBytes == 0 {
		opts.MemTableBytes = 64 << 20
	}
	return pebbleOptions(opts)
}

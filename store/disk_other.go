//go:build !unix

package store

// DiskFree cannot tell the free space on this system.
func (db *DB) DiskFree() (free int64, ok bool) { return 0, false }

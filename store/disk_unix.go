//go:build unix

package store

import "syscall"

// DiskFree returns the bytes free to the server on the database's disk;
// ok is false when it cannot be told (PostgreSQL: the database server's
// disk, which reports itself by refusing writes).
func (db *DB) DiskFree() (free int64, ok bool) {
	if db.Dir == "" {
		return 0, false
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(db.Dir, &st); err != nil {
		return 0, false
	}
	return int64(st.Bavail) * int64(st.Bsize), true
}

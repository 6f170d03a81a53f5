package store

import "context"

// ExecRaw runs a statement on the writer; tests use it to poke at the schema.
func ExecRaw(ctx context.Context, db *DB, stmt string) error {
	_, err := db.w.ExecContext(ctx, stmt)
	return err
}

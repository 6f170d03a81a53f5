package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/fenliu/fenliu/store"
	"github.com/fenliu/fenliu/store/storetest"
)

// TestStatementCache runs one statement while its own rows are still
// open (the kept statement is busy: a second one is compiled), more
// distinct statements than the cache keeps, and statements again after a
// failed one, on the caching SQLite connections.
func TestStatementCache(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	if err := store.ExecRaw(ctx, db, `CREATE TABLE grp (ref TEXT PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	err := db.Tx(ctx, func(q *store.Q) error {
		for i := 0; i < 600; i++ { // more distinct texts than kept: evictions
			if err := store.InsertRaw(ctx, q, fmt.Sprintf("R%03d", i)); err != nil {
				return err
			}
			if err := store.ExecQ(ctx, q, fmt.Sprintf("UPDATE grp SET ref = ref WHERE ref = 'R%03d'", i)); err != nil {
				return err
			}
		}
		if err := store.InsertRaw(ctx, q, "R000"); err == nil {
			t.Error("duplicate accepted")
		}
		return store.InsertRaw(ctx, q, "after-failure")
	})
	if err != nil {
		t.Fatal(err)
	}
	n, err := store.NestedCount(ctx, db)
	if err != nil || n != 601*601 {
		t.Fatalf("nested reads of one statement: %d, %v", n, err)
	}
}

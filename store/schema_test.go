package store_test

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/fenliu/fenliu/store"
	"github.com/fenliu/fenliu/store/storetest"
)

// TestSchemaParity: the two dialects' migrations make one schema — the same
// tables, columns (and which may be null), primary keys, unique
// constraints, indexes (their columns, uniqueness and whether partial) and
// triggers. A migration written for one dialect only fails here.
func TestSchemaParity(t *testing.T) {
	if os.Getenv(storetest.EnvPostgres) == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but %s is not", storetest.EnvPostgres)
		}
		t.Skip(storetest.EnvPostgres + " not set: no PostgreSQL to compare with")
	}
	ctx := context.Background()
	lite, err := store.SchemaOf(ctx, storetest.SQLite(t))
	if err != nil {
		t.Fatal(err)
	}
	pg, err := store.SchemaOf(ctx, storetest.Postgres(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(lite) < 50 {
		t.Fatalf("the SQLite schema has only %d facts: %v", len(lite), lite)
	}
	onlyIn := func(a, b []string) []string {
		in := map[string]bool{}
		for _, x := range b {
			in[x] = true
		}
		var out []string
		for _, x := range a {
			if !in[x] {
				out = append(out, x)
			}
		}
		return out
	}
	if d := onlyIn(lite, pg); len(d) > 0 {
		t.Errorf("only in SQLite:\n  %s", strings.Join(d, "\n  "))
	}
	if d := onlyIn(pg, lite); len(d) > 0 {
		t.Errorf("only in PostgreSQL:\n  %s", strings.Join(d, "\n  "))
	}
}

// TestSchemaParityCanFail: a column added to one dialect only is seen.
func TestSchemaParityCanFail(t *testing.T) {
	ctx := context.Background()
	db := storetest.SQLite(t)
	before, err := store.SchemaOf(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.ExecRaw(ctx, db, "ALTER TABLE orders ADD COLUMN drift INTEGER"); err != nil {
		t.Fatal(err)
	}
	after, _ := store.SchemaOf(ctx, db)
	if len(after) != len(before)+1 || !contains(after, "column orders.drift null") {
		t.Errorf("the extra column is not in the schema: %d → %d facts", len(before), len(after))
	}
	sort.Strings(after)
	_ = fmt.Sprint(after)
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

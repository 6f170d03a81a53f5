package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/fenliu/fenliu/store"
	"github.com/fenliu/fenliu/store/storetest"
)

// TestChangesAcrossInstances: on PostgreSQL, a change noticed by one server
// reaches a listener of another (two pools on one database).
func TestChangesAcrossInstances(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	a, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	got := make(chan int64, 4)
	go b.ListenChanges(ctx, func(id int64) { got <- id }, nil)
	// Notify until the listener is up (LISTEN is asynchronous to this test).
	deadline := time.After(10 * time.Second)
	for {
		if _, err := a.NotifyChange(ctx, 42); err != nil {
			t.Fatal(err)
		}
		select {
		case id := <-got:
			if id != 42 {
				t.Fatalf("got %d", id)
			}
			return
		case <-time.After(200 * time.Millisecond):
		case <-deadline:
			t.Fatal("no notification")
		}
	}
}

func TestNotifyOnSQLiteIsLocal(t *testing.T) {
	db := storetest.SQLite(t)
	if ok, err := db.NotifyChange(context.Background(), 1); ok || err != nil {
		t.Fatalf("sqlite notify: %v %v", ok, err)
	}
	db.ListenChanges(context.Background(), func(int64) { t.Fatal("called") }, nil) // returns at once
}

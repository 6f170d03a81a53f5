package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/store"
	"github.com/fenliu/fenliu/store/storetest"
)

// TestTxShared sends writes from many goroutines at once: those whose
// function succeeds are committed (and only then answered), those refused
// leave nothing behind, and a failure that is not a refusal (an internal
// error) makes the group run again alone without losing the others.
func TestTxShared(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := store.ExecRaw(ctx, db, `CREATE TABLE grp (ref TEXT PRIMARY KEY)`); err != nil {
			t.Fatal(err)
		}
		const n = 400
		var (
			wg   sync.WaitGroup
			mu   sync.Mutex
			acks = map[string]bool{}
		)
		boom := errors.New("boom") // an internal error, on the first try only
		var failedOnce sync.Map
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				ref := fmt.Sprintf("R%03d", i)
				err := db.TxShared(ctx, func(q *store.Q) error {
					if err := store.InsertRaw(ctx, q, ref); err != nil {
						return err
					}
					switch {
					case i%7 == 0:
						return fenliu.Errorf(fenliu.EConflict, "", "拒绝", "refused")
					case i%50 == 1:
						if _, again := failedOnce.LoadOrStore(i, true); !again {
							return boom
						}
					}
					return nil
				})
				if err == nil {
					mu.Lock()
					acks[ref] = true
					mu.Unlock()
				} else if !(i%7 == 0 && fenliu.ErrorCode(err) == fenliu.EConflict) && !(i%50 == 1 && errors.Is(err, boom)) {
					// A refusal is answered as such; the internal error is
					// answered only if its function ran alone the first time.
					t.Errorf("%s: %v", ref, err)
				}
			}(i)
		}
		wg.Wait()
		stored, err := store.RawRefs(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		for ref := range acks {
			if !stored[ref] {
				t.Errorf("%s acknowledged but not stored", ref)
			}
		}
		for ref := range stored {
			if !acks[ref] {
				t.Errorf("%s stored but refused", ref)
			}
		}
		for i := 0; i < n; i++ {
			if ref := fmt.Sprintf("R%03d", i); i%7 != 0 && i%50 != 1 && !acks[ref] {
				t.Errorf("%s not acknowledged", ref)
			}
		}
	})
}

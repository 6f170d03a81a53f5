package store

import (
	"context"
	"database/sql"
	"sync"

	"github.com/fenliu/fenliu"
)

// Group commit (SQLite). SQLite has one writer and a durable commit costs
// a sync of the WAL file; writes that arrive together share one commit.
// TxShared queues fn for the writer goroutine, which takes whatever is
// queued (up to maxGroup), runs each fn in its own savepoint of one
// transaction, commits once and only then answers each caller: a caller
// is acknowledged only after the commit that holds its write. A fn that
// fails has its savepoint rolled back and gets its error at once; the
// others are unaffected. If anything fails that is not the fn's own
// refusal (a domain error), the whole group is rolled back and each fn
// runs again alone in its own transaction, so a fn must be safe to run
// again (set its results, do not append to them). On PostgreSQL, which
// commits concurrent transactions in parallel, TxShared is Tx.

const maxGroup = 64

type groupJob struct {
	ctx  context.Context
	fn   func(*Q) error
	done chan error
}

type groupWriter struct {
	once sync.Once
	jobs chan *groupJob
	stop chan struct{}
	wg   sync.WaitGroup
}

// TxShared runs fn in a write transaction it may share with other callers'
// (group commit on SQLite). It returns after the commit, with fn's error or
// the commit's.
func (db *DB) TxShared(ctx context.Context, fn func(*Q) error) error {
	if db.Q.pg {
		return db.Tx(ctx, fn)
	}
	g := &db.group
	g.once.Do(func() {
		g.jobs = make(chan *groupJob, maxGroup)
		g.stop = make(chan struct{})
		g.wg.Add(1)
		go db.groupLoop()
	})
	if err := ctx.Err(); err != nil {
		return err
	}
	j := &groupJob{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case g.jobs <- j:
	case <-g.stop:
		return sql.ErrConnDone
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once queued, fn may be running: wait for its answer whatever ctx
	// says, so fn never runs after its caller has gone on.
	return <-j.done
}

func (db *DB) groupLoop() {
	g := &db.group
	defer g.wg.Done()
	for {
		var batch []*groupJob
		select {
		case j := <-g.jobs:
			batch = append(batch, j)
		case <-g.stop:
			for {
				select {
				case j := <-g.jobs:
					j.done <- sql.ErrConnDone
				default:
					return
				}
			}
		}
	more:
		for len(batch) < maxGroup {
			select {
			case j := <-g.jobs:
				batch = append(batch, j)
			default:
				break more
			}
		}
		db.runGroup(batch)
	}
}

// runGroup runs the jobs in one transaction, one savepoint each.
func (db *DB) runGroup(batch []*groupJob) {
	if len(batch) == 1 {
		j := batch[0]
		j.done <- db.Tx(context.WithoutCancel(j.ctx), j.fn)
		return
	}
	ok, err := db.tryGroup(batch)
	if err == nil {
		for _, j := range ok {
			j.done <- nil
		}
		return
	}
	// The group failed as a whole: each fn again, alone.
	for _, j := range ok {
		j.done <- db.Tx(context.WithoutCancel(j.ctx), j.fn)
	}
}

// tryGroup runs the batch in one transaction. Jobs refused by their fn are
// answered at once; ok are the jobs whose writes the commit holds. On err
// nothing is committed and ok holds every job not yet answered.
func (db *DB) tryGroup(batch []*groupJob) (ok []*groupJob, err error) {
	ctx := context.Background()
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return batch, err
	}
	for i, j := range batch {
		if e := j.ctx.Err(); e != nil {
			j.done <- e
			continue
		}
		if _, err := tx.ExecContext(ctx, "SAVEPOINT grp"); err != nil {
			tx.Rollback()
			return append(ok, batch[i:]...), err
		}
		ferr := j.fn(&Q{r: tx, detached: true})
		if ferr != nil && fenliu.ErrorCode(ferr) == fenliu.EInternal {
			// Not the fn's own refusal: the transaction may be broken.
			tx.Rollback()
			return append(ok, batch[i:]...), ferr
		}
		if ferr != nil {
			if _, err := tx.ExecContext(ctx, "ROLLBACK TO grp"); err != nil {
				tx.Rollback()
				return append(ok, batch[i:]...), err
			}
		}
		if _, err := tx.ExecContext(ctx, "RELEASE grp"); err != nil {
			tx.Rollback()
			return append(ok, batch[i:]...), err
		}
		if ferr != nil {
			j.done <- ferr
			continue
		}
		ok = append(ok, j)
	}
	if err := tx.Commit(); err != nil {
		return ok, mapErr(err)
	}
	return ok, nil
}

// closeGroup stops the writer goroutine after the group it is running.
func (db *DB) closeGroup() {
	g := &db.group
	if g.stop == nil {
		return
	}
	close(g.stop)
	g.wg.Wait()
}

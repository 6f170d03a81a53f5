package store

import (
	"context"
	"database/sql/driver"
	"errors"

	"modernc.org/sqlite"
)

// SQLite compiles a statement each time it runs one unless the statement is
// kept: the driver's Exec and Query prepare, run and finalize. Fenliu runs
// the same few dozen statements all day, so each connection keeps its
// compiled statements, keyed by the SQL text, and resets them for reuse
// (up to stmtCacheSize; when full, the ones not running are dropped). database/sql never uses one connection from two
// goroutines at once; a statement already running on the connection (a
// query whose rows are still open when the same SQL runs again) is compiled
// afresh for the second use.

const (
	stmtCacheSize   = 256
	stmtCacheMaxLen = 2048
)

// cachingConnector opens modernc.org/sqlite connections that keep their
// compiled statements.
type cachingConnector struct {
	dsn string
	drv *sqlite.Driver
}

func (c *cachingConnector) Connect(context.Context) (driver.Conn, error) {
	conn, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return &cachingConn{Conn: conn, stmts: map[string]*cachedStmt{}}, nil
}

func (c *cachingConnector) Driver() driver.Driver { return c.drv }

type cachedStmt struct {
	st   driver.Stmt
	busy bool
}

// inner is what the modernc connection implements beyond driver.Conn.
type inner interface {
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

type cachingConn struct {
	driver.Conn
	stmts map[string]*cachedStmt
}

func (c *cachingConn) in() inner { return c.Conn.(inner) }

func (c *cachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.in().BeginTx(ctx, opts)
}

func (c *cachingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.in().PrepareContext(ctx, query)
}

func (c *cachingConn) Ping(ctx context.Context) error         { return c.in().Ping(ctx) }
func (c *cachingConn) ResetSession(ctx context.Context) error { return c.in().ResetSession(ctx) }
func (c *cachingConn) IsValid() bool                          { return c.in().IsValid() }

// take returns the kept statement for query, compiling it the first time;
// nil if it is running already or the cache is full.
func (c *cachingConn) take(ctx context.Context, query string) (*cachedStmt, error) {
	if len(query) > stmtCacheMaxLen {
		return nil, nil // bulk statements (many rows of VALUES) are not worth keeping
	}
	cs := c.stmts[query]
	if cs == nil {
		if len(c.stmts) >= stmtCacheSize {
			c.evict()
		}
		st, err := c.in().PrepareContext(ctx, query)
		if err != nil {
			return nil, err
		}
		cs = &cachedStmt{st: st}
		c.stmts[query] = cs
	}
	if cs.busy {
		return nil, nil
	}
	cs.busy = true
	return cs, nil
}

// evict drops the kept statements not running now: the hot ones are
// compiled again on their next use.
func (c *cachingConn) evict() {
	for q, cs := range c.stmts {
		if !cs.busy {
			cs.st.Close()
			delete(c.stmts, q)
		}
	}
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	cs, err := c.take(ctx, query)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		return c.in().ExecContext(ctx, query, args)
	}
	defer func() { cs.busy = false }()
	return cs.st.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	cs, err := c.take(ctx, query)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		return c.in().QueryContext(ctx, query, args)
	}
	rows, err := cs.st.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		cs.busy = false
		return nil, err
	}
	return &cachedRows{Rows: rows, cs: cs}, nil
}

func (c *cachingConn) Close() error {
	var errs []error
	for _, cs := range c.stmts {
		errs = append(errs, cs.st.Close())
	}
	c.stmts = nil
	return errors.Join(append(errs, c.Conn.Close())...)
}

// cachedRows gives the statement back when the rows are closed (the driver
// resets it then).
type cachedRows struct {
	driver.Rows
	cs *cachedStmt
}

func (r *cachedRows) Close() error {
	err := r.Rows.Close()
	r.cs.busy = false
	return err
}

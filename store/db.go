// Package store keeps Fenliu's data in SQL over database/sql, in one of two
// dialects chosen in Open: embedded SQLite (a single WAL file, the default) or
// PostgreSQL (by DSN). Every SQL statement lives here; no rule does. Driver
// errors are mapped to the domain's error codes.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// DB is an open Fenliu database. Its embedded Q reads outside transactions.
type DB struct {
	Q
	w      *sql.DB // writer (SQLite: one connection; PostgreSQL: the pool)
	r      *sql.DB // readers (SQLite: a separate read-only pool)
	Driver string  // "sqlite" or "postgres"
	// Dir is the SQLite file's folder (whose disk the database fills);
	// empty for PostgreSQL, whose disk is the database server's.
	Dir   string
	group groupWriter
}

// IsPostgres reports whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") ||
		strings.Contains(dsn, "host=") || strings.Contains(dsn, "dbname=")
}

// Open opens the database named by dsn: a PostgreSQL URL or key=value DSN, or
// else a SQLite file path (an optional "sqlite:" prefix is dropped). It does
// not migrate; call Migrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	if IsPostgres(dsn) {
		return openPostgres(ctx, dsn)
	}
	return openSQLite(ctx, strings.TrimPrefix(dsn, "sqlite:"))
}

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(20)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect postgres: %w", err)
	}
	return &DB{Q: Q{r: db, pg: true}, w: db, r: db, Driver: "postgres"}, nil
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("empty database path")
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create database folder: %w", err)
		}
	}
	// synchronous(FULL): a commit is on disk before it returns, so an
	// acknowledged write survives a crash of the process or of the machine.
	common := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)"
	drv := &sqlite.Driver{}
	w := sql.OpenDB(&cachingConnector{dsn: "file:" + path + "?_pragma=journal_mode(WAL)&_txlock=immediate&" + common, drv: drv})
	w.SetMaxOpenConns(1) // SQLite has one writer; queue writers in Go, not in busy loops
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	r := sql.OpenDB(&cachingConnector{dsn: "file:" + path + "?_pragma=query_only(1)&" + common, drv: drv})
	r.SetMaxOpenConns(8)
	return &DB{Q: Q{r: r}, w: w, r: r, Driver: "sqlite", Dir: filepath.Dir(path)}, nil
}

// Close closes the database.
func (db *DB) Close() error {
	db.closeGroup()
	err := db.w.Close()
	if db.r != db.w {
		if e := db.r.Close(); err == nil {
			err = e
		}
	}
	return err
}

// Ping checks the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.w.PingContext(ctx) }

// Tx runs fn in a write transaction, committing if fn returns nil.
func (db *DB) Tx(ctx context.Context, fn func(*Q) error) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return mapErr(err)
	}
	q := &Q{r: tx, pg: db.Q.pg, outbox: new([]pendingEntry)}
	if err := fn(q); err != nil {
		tx.Rollback()
		return err
	}
	// The outbox entries of the change, last, in the same transaction.
	if err := q.flushOutbox(ctx); err != nil {
		tx.Rollback()
		return err
	}
	return mapErr(tx.Commit())
}

// runner is what *sql.DB and *sql.Tx share.
type runner interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Q runs the store's statements on a pool or inside a transaction. Queries are
// written with ? placeholders and rebound to $n for PostgreSQL.
type Q struct {
	r      runner
	pg     bool
	outbox *[]pendingEntry // inside a transaction: the outbox entries to write before commit
	// detached: the statements run to the end whatever their context says
	// (a group commit's transaction is not one caller's to interrupt).
	detached bool
}

var rebound sync.Map // query → PostgreSQL form

func (q *Q) sql(query string) string {
	if !q.pg {
		return query
	}
	if s, ok := rebound.Load(query); ok {
		return s.(string)
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	s := b.String()
	rebound.Store(query, s)
	return s
}

func (q *Q) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if q.detached {
		ctx = context.WithoutCancel(ctx)
	}
	res, err := q.r.ExecContext(ctx, q.sql(query), args...)
	return res, mapErr(err)
}

func (q *Q) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if q.detached {
		ctx = context.WithoutCancel(ctx)
	}
	rows, err := q.r.QueryContext(ctx, q.sql(query), args...)
	return rows, mapErr(err)
}

func (q *Q) row(ctx context.Context, query string, args ...any) *sql.Row {
	if q.detached {
		ctx = context.WithoutCancel(ctx)
	}
	return q.r.QueryRowContext(ctx, q.sql(query), args...)
}

// mapErr turns driver errors into domain errors where a client could have
// caused them; anything else stays as it is (an internal error).
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return err
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return &fenliu.Error{Code: fenliu.EConflict, ZH: "记录已存在", EN: "already exists", Err: err}
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return &fenliu.Error{Code: fenliu.EUnprocessable, ZH: "引用的记录不存在", EN: "a referenced record does not exist", Err: err}
		}
		// The disk: full, or failing writes (a full disk often shows as an
		// I/O error in WAL mode). Primary codes, whatever the extension.
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR:
			return &fenliu.Error{Code: fenliu.EUnavailable, ZH: "存储空间已满或无法写入", EN: "the disk is full or cannot be written", Err: err}
		}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// The cause keeps the constraint's name (pe.ConstraintName) for the log.
		switch pe.Code {
		case "23505":
			return &fenliu.Error{Code: fenliu.EConflict, ZH: "记录已存在", EN: "already exists", Err: err}
		case "23503":
			return &fenliu.Error{Code: fenliu.EUnprocessable, ZH: "引用的记录不存在", EN: "a referenced record does not exist", Err: err}
		case "40001", "40P01":
			return &fenliu.Error{Code: fenliu.EConflict, ZH: "并发冲突，请重试", EN: "concurrent change, try again", Err: err}
		case "53100":
			return &fenliu.Error{Code: fenliu.EUnavailable, ZH: "存储空间已满", EN: "the disk is full", Err: err}
		}
	}
	return err
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

func msPtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMilli()
}

func fromNullMS(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMS(v.Int64)
	return &t
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nullFloat(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

func fromNullFloat(v sql.NullFloat64) *float64 {
	if !v.Valid {
		return nil
	}
	f := v.Float64
	return &f
}

// PoolStats is what the connection pool of the writer reports.
type PoolStats struct {
	Open, InUse, Idle int
	WaitCount         int64
	WaitDuration      time.Duration
}

// Pool returns the writer pool's statistics.
func (db *DB) Pool() PoolStats {
	s := db.w.Stats()
	return PoolStats{Open: s.OpenConnections, InUse: s.InUse, Idle: s.Idle, WaitCount: s.WaitCount, WaitDuration: s.WaitDuration}
}

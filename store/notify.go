package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/stdlib"
)

// ChangeChannel is the PostgreSQL channel that carries "incident changed"
// notices between server instances (ids only, never personal data).
const ChangeChannel = "fenliu_changed"

// NotifyChange tells every server on this PostgreSQL database that an
// incident changed. On SQLite (one process) it does nothing and reports false.
func (db *DB) NotifyChange(ctx context.Context, incidentID int64) (bool, error) {
	if db.Driver != "postgres" {
		return false, nil
	}
	_, err := db.w.ExecContext(ctx, `SELECT pg_notify($1, $2)`, ChangeChannel, strconv.FormatInt(incidentID, 10))
	return true, err
}

// ListenChanges calls fn with each incident id notified on PostgreSQL until
// ctx ends, reconnecting after errors. It returns at once on SQLite.
func (db *DB) ListenChanges(ctx context.Context, fn func(incidentID int64), onErr func(error)) {
	if db.Driver != "postgres" {
		return
	}
	for ctx.Err() == nil {
		err := db.listen(ctx, fn)
		if ctx.Err() != nil {
			return
		}
		if onErr != nil {
			onErr(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(2 * time.Second):
		}
	}
}

func (db *DB) listen(ctx context.Context, fn func(int64)) error {
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		pc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("listen: not a pgx connection")
		}
		c := pc.Conn()
		if _, err := c.Exec(ctx, "LISTEN "+ChangeChannel); err != nil {
			return err
		}
		for {
			n, err := c.WaitForNotification(ctx)
			if err != nil {
				return err
			}
			if id, err := strconv.ParseInt(n.Payload, 10, 64); err == nil {
				fn(id)
			}
		}
	})
}

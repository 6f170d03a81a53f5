package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/fenliu/fenliu"
)

// ExecRaw runs a statement on the writer; tests use it to poke at the schema.
func ExecRaw(ctx context.Context, db *DB, stmt string) error {
	_, err := db.w.ExecContext(ctx, stmt)
	return err
}

// RepeatQuery is the statement RecentIncident runs for one key.
func RepeatQuery(k fenliu.RepeatKey) (string, []any) { return repeatQuery(k) }

// Explain returns the plan the database makes for query with args, one
// line per plan node: EXPLAIN QUERY PLAN on SQLite; EXPLAIN on PostgreSQL,
// with the values bound (a custom plan) or, generic, as a prepared
// statement planned without them (what a cached statement may run).
func Explain(ctx context.Context, db *DB, query string, args []any, generic bool) ([]string, error) {
	q := &Q{pg: db.Q.pg}
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	text := q.sql(query)
	var rows *sql.Rows
	switch {
	case !q.pg:
		rows, err = conn.QueryContext(ctx, "EXPLAIN QUERY PLAN "+text, args...)
	case generic:
		if _, err := conn.ExecContext(ctx, "PREPARE plan_probe AS "+text); err != nil {
			return nil, err
		}
		if _, err := conn.ExecContext(ctx, "SET plan_cache_mode = force_generic_plan"); err != nil {
			return nil, err
		}
		defer conn.ExecContext(ctx, "RESET plan_cache_mode")
		defer conn.ExecContext(ctx, "DEALLOCATE plan_probe")
		lits := make([]string, len(args))
		for i, a := range args {
			switch v := a.(type) {
			case string:
				lits[i] = "'" + strings.ReplaceAll(v, "'", "''") + "'"
			default:
				lits[i] = fmt.Sprint(v)
			}
		}
		rows, err = conn.QueryContext(ctx, "EXPLAIN EXECUTE plan_probe("+strings.Join(lits, ", ")+")")
	default:
		rows, err = conn.QueryContext(ctx, "EXPLAIN "+text, args...)
	}
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		out = append(out, fmt.Sprint(vals[len(vals)-1]))
	}
	return out, rows.Err()
}

// InsertRaw writes a row of the test table grp.
func InsertRaw(ctx context.Context, q *Q, ref string) error {
	_, err := q.exec(ctx, `INSERT INTO grp (ref) VALUES (?)`, ref)
	return err
}

// RawRefs reads the test table grp.
func RawRefs(ctx context.Context, db *DB) (map[string]bool, error) {
	rows, err := db.w.QueryContext(ctx, `SELECT ref FROM grp`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out[s] = true
	}
	return out, rows.Err()
}

// ExecQ runs a statement on q.
func ExecQ(ctx context.Context, q *Q, stmt string) error {
	_, err := q.exec(ctx, stmt)
	return err
}

// NestedCount reads grp once per row of grp, the same SQL text while the
// outer rows are open, on the writer's single connection.
func NestedCount(ctx context.Context, db *DB) (int, error) {
	n := 0
	err := db.Tx(ctx, func(q *Q) error {
		outer, err := q.query(ctx, `SELECT ref FROM grp`)
		if err != nil {
			return err
		}
		defer outer.Close()
		for outer.Next() {
			inner, err := q.query(ctx, `SELECT ref FROM grp`)
			if err != nil {
				return err
			}
			for inner.Next() {
				n++
			}
			inner.Close()
		}
		return outer.Err()
	})
	return n, err
}

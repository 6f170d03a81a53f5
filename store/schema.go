package store

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// SchemaOf describes the database's schema as sorted facts that do not
// depend on the dialect: "table T", "column T.C null|not null", "pk T(…)",
// "unique T(…)", "index N on T(…) [unique] [partial]", "trigger N on T".
// The two dialects' migrations must give the same facts (TestSchemaParity).
func SchemaOf(ctx context.Context, db *DB) ([]string, error) {
	var facts []string
	var err error
	if db.Driver == "postgres" {
		facts, err = pgSchema(ctx, &db.Q)
	} else {
		facts, err = sqliteSchema(ctx, &db.Q)
	}
	sort.Strings(facts)
	return facts, err
}

func (q *Q) facts(ctx context.Context, query string, args ...any) ([][]string, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out [][]string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			switch x := v.(type) {
			case []byte:
				row[i] = string(x)
			case nil:
				row[i] = ""
			default:
				row[i] = fmt.Sprint(x)
			}
		}
		out = append(out, row)
	}
	return out, mapErr(rows.Err())
}

func nullness(notNull bool) string {
	if notNull {
		return "not null"
	}
	return "null"
}

func sqliteSchema(ctx context.Context, q *Q) ([]string, error) {
	var facts []string
	tables, err := q.facts(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	if err != nil {
		return nil, err
	}
	for _, tr := range tables {
		t := tr[0]
		facts = append(facts, "table "+t)
		cols, err := q.facts(ctx, `SELECT name, "notnull", pk FROM pragma_table_info(?) ORDER BY pk, cid`, t)
		if err != nil {
			return nil, err
		}
		var pk []string
		for _, c := range cols {
			isPK := c[2] != "0"
			facts = append(facts, fmt.Sprintf("column %s.%s %s", t, c[0], nullness(c[1] == "1" || isPK)))
			if isPK {
				pk = append(pk, c[0])
			}
		}
		if len(pk) > 0 {
			facts = append(facts, fmt.Sprintf("pk %s(%s)", t, strings.Join(pk, ",")))
		}
		idx, err := q.facts(ctx, `SELECT name, "unique", origin, partial FROM pragma_index_list(?)`, t)
		if err != nil {
			return nil, err
		}
		for _, ix := range idx {
			cs, err := q.facts(ctx, `SELECT name FROM pragma_index_info(?) ORDER BY seqno`, ix[0])
			if err != nil {
				return nil, err
			}
			var names []string
			for _, c := range cs {
				names = append(names, c[0])
			}
			on := fmt.Sprintf("%s(%s)", t, strings.Join(names, ","))
			switch ix[2] {
			case "pk":
			case "u":
				facts = append(facts, "unique "+on)
			default:
				facts = append(facts, indexFact(ix[0], on, ix[1] == "1", ix[3] == "1"))
			}
		}
	}
	trig, err := q.facts(ctx, `SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'`)
	if err != nil {
		return nil, err
	}
	for _, tr := range trig {
		facts = append(facts, fmt.Sprintf("trigger %s on %s", tr[0], tr[1]))
	}
	return facts, nil
}

func indexFact(name, on string, unique, partial bool) string {
	s := "index " + name + " on " + on
	if unique {
		s += " unique"
	}
	if partial {
		s += " partial"
	}
	return s
}

func pgSchema(ctx context.Context, q *Q) ([]string, error) {
	var facts []string
	tables, err := q.facts(ctx, `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`)
	if err != nil {
		return nil, err
	}
	for _, t := range tables {
		facts = append(facts, "table "+t[0])
	}
	cols, err := q.facts(ctx, `SELECT table_name, column_name, is_nullable FROM information_schema.columns WHERE table_schema = current_schema()`)
	if err != nil {
		return nil, err
	}
	for _, c := range cols {
		facts = append(facts, fmt.Sprintf("column %s.%s %s", c[0], c[1], nullness(c[2] == "NO")))
	}
	cons, err := q.facts(ctx, `SELECT c.contype, t.relname, string_agg(a.attname, ',' ORDER BY k.n)
		FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace ns ON ns.oid = t.relnamespace
		CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, n)
		JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
		WHERE ns.nspname = current_schema() AND c.contype IN ('p', 'u')
		GROUP BY c.oid, c.contype, t.relname`)
	if err != nil {
		return nil, err
	}
	for _, c := range cons {
		kind := "unique"
		if c[0] == "p" {
			kind = "pk"
		}
		facts = append(facts, fmt.Sprintf("%s %s(%s)", kind, c[1], c[2]))
	}
	idx, err := q.facts(ctx, `SELECT i.relname, t.relname, ix.indisunique, ix.indpred IS NOT NULL, string_agg(a.attname, ',' ORDER BY k.n)
		FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
		JOIN pg_namespace ns ON ns.oid = t.relnamespace
		CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, n)
		JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
		WHERE ns.nspname = current_schema() AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid)
		GROUP BY i.relname, t.relname, ix.indisunique, ix.indpred`)
	if err != nil {
		return nil, err
	}
	for _, ix := range idx {
		facts = append(facts, indexFact(ix[0], fmt.Sprintf("%s(%s)", ix[1], ix[4]), ix[2] == "true", ix[3] == "true"))
	}
	trig, err := q.facts(ctx, `SELECT tg.tgname, t.relname FROM pg_trigger tg JOIN pg_class t ON t.oid = tg.tgrelid
		JOIN pg_namespace ns ON ns.oid = t.relnamespace WHERE ns.nspname = current_schema() AND NOT tg.tgisinternal`)
	if err != nil {
		return nil, err
	}
	for _, tr := range trig {
		facts = append(facts, fmt.Sprintf("trigger %s on %s", tr[0], tr[1]))
	}
	return facts, nil
}

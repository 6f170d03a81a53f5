package store

import (
	"context"
	"database/sql"
	"errors"
	"sort"
)

// Setting returns a setting's value, or "" if unset.
func (q *Q) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := q.row(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, mapErr(err)
}

// SetSettings writes settings (an empty value removes one). With directory
// set — the caller's settings table says routing reads one of them — it
// bumps the directory version once, so every server reloads its routing data.
func (q *Q) SetSettings(ctx context.Context, kv map[string]string, directory bool) error {
	keys := make([]string, 0, len(kv))
	for k := range kv {
		keys = append(keys, k)
	}
	sort.Strings(keys) // the same lock order on every server
	for _, k := range keys {
		var err error
		if kv[k] == "" {
			_, err = q.exec(ctx, `DELETE FROM settings WHERE key = ?`, k)
		} else {
			_, err = q.exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, k, kv[k])
		}
		if err != nil {
			return err
		}
	}
	if !directory {
		return nil
	}
	return q.bumpDirectory(ctx)
}

// Settings returns every stored setting.
func (q *Q) Settings(ctx context.Context) (map[string]string, error) {
	rows, err := q.query(ctx, `SELECT key, value FROM settings`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, mapErr(err)
		}
		out[k] = v
	}
	return out, mapErr(rows.Err())
}

// settingDirectoryVersion counts changes to what routing reads (areas,
// units, rosters, rules, settings), so that a server can keep its
// copy until it changes — on any server of the city.
const settingDirectoryVersion = "directory.version"

func (q *Q) bumpDirectory(ctx context.Context) error {
	_, err := q.exec(ctx, `INSERT INTO settings (key, value) VALUES (?, '1')
		ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(settings.value AS INTEGER) + 1 AS TEXT)`, settingDirectoryVersion)
	return err
}

// DirectoryVersion returns the count of changes to the routing data.
func (q *Q) DirectoryVersion(ctx context.Context) (string, error) {
	return q.Setting(ctx, settingDirectoryVersion)
}

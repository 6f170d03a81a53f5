package main

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/server"
	"github.com/fenliu/fenliu/store"
	"github.com/fenliu/fenliu/store/storetest"
)

// tamperCity records three incidents with their orders and some work, as
// the service layer writes them, and returns the app and the events' ids.
func tamperCity(t *testing.T, dsn string) (*app.App, *store.DB, []int64) {
	t.Helper()
	ctx := context.Background()
	db, err := server.OpenDB(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	a := app.New(db, app.Options{})
	admin := &fenliu.User{Username: "admin", DisplayName: "a", Role: fenliu.RoleAdmin}
	if err := a.Bootstrap(ctx, admin, ""); err != nil {
		t.Fatal(err)
	}
	unit := &fenliu.Unit{Code: "UM", Name: "城管", Type: fenliu.UTUrbanManagement, AlwaysOn: true}
	if err := a.CreateUnit(ctx, admin, unit); err != nil {
		t.Fatal(err)
	}
	staff := &fenliu.User{Username: "um", DisplayName: "s", Role: fenliu.RoleUnitStaff, UnitID: unit.ID}
	if err := a.CreateUser(ctx, admin, staff, ""); err != nil {
		t.Fatal(err)
	}
	for i, text := range []string{"楼下烧烤摊太吵", "井盖丢了", "路灯不亮"} {
		inc, _, err := a.Intake(ctx, admin, fenliu.IncidentInput{Channel: fenliu.Channel110, Text: text})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Decide(ctx, admin, inc.ID, fenliu.DecisionInput{Disposition: fenliu.DispDivert}); err != nil {
			t.Fatal(err)
		}
		orders, err := a.Dispatch(ctx, admin, inc.ID, fenliu.DispatchInput{Orders: []fenliu.OrderSpec{{UnitID: unit.ID, Role: fenliu.OrderLead}}})
		if err != nil {
			t.Fatal(err)
		}
		if i < 2 {
			if _, err := a.Act(ctx, staff, orders[0].ID, fenliu.ActSign, fenliu.ActionInput{}); err != nil {
				t.Fatal(err)
			}
			if _, err := a.Act(ctx, staff, orders[0].ID, fenliu.ActFeedback, fenliu.ActionInput{Note: "已处理"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	v, err := a.Incident(ctx, admin, 1)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, e := range v.Events {
		ids = append(ids, e.ID)
	}
	return a, db, ids
}

// rawSQL opens the database as an intruder with its password would: plain
// SQL, round the store.
func rawSQL(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	driver := "sqlite"
	if store.IsPostgres(dsn) {
		driver = "pgx"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestVerifyFindsTampering: every kind of change made with plain SQL, past
// the triggers, is found by `fenliu verify` (exit status 1, each named);
// the untouched record verifies. On SQLite and PostgreSQL.
func TestVerifyFindsTampering(t *testing.T) {
	type tamper struct {
		name string
		do   func(t *testing.T, raw *sql.DB, pg bool, a *app.App, ids []int64)
		want []string // finding kinds
	}
	// Getting round the guards: SQLite's triggers dropped, PostgreSQL's
	// switched off for the session (replica role) or disabled on the table.
	unguard := func(t *testing.T, raw *sql.DB, pg bool) {
		t.Helper()
		stmts := []string{"DROP TRIGGER events_no_update", "DROP TRIGGER events_no_delete"}
		if pg {
			stmts = []string{"ALTER TABLE events DISABLE TRIGGER USER"}
		}
		for _, s := range stmts {
			if _, err := raw.Exec(s); err != nil {
				t.Fatal(s, err)
			}
		}
	}
	exec := func(t *testing.T, raw *sql.DB, pg bool, q string, args ...any) {
		t.Helper()
		if pg {
			for i := 1; strings.Contains(q, "?"); i++ {
				q = strings.Replace(q, "?", "$"+string(rune('0'+i)), 1)
			}
		}
		if _, err := raw.Exec(q, args...); err != nil {
			t.Fatal(q, err)
		}
	}
	cases := []tamper{
		{"clean", func(*testing.T, *sql.DB, bool, *app.App, []int64) {}, nil},
		{"edit an event", func(t *testing.T, raw *sql.DB, pg bool, a *app.App, ids []int64) {
			unguard(t, raw, pg)
			exec(t, raw, pg, "UPDATE events SET note = ? WHERE id = ?", "改过的说明", ids[len(ids)-1])
		}, []string{app.FindingEdited}},
		{"edit with replica role", func(t *testing.T, raw *sql.DB, pg bool, a *app.App, ids []int64) {
			if !pg {
				unguard(t, raw, pg)
				exec(t, raw, pg, "UPDATE events SET at = at - 3600000 WHERE id = ?", ids[1])
				return
			}
			conn, err := raw.Conn(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			for _, q := range []string{"SET session_replication_role = replica", "UPDATE events SET at = at - 3600000 WHERE id = " + itoa(ids[1])} {
				if _, err := conn.ExecContext(context.Background(), q); err != nil {
					t.Fatal(q, err)
				}
			}
		}, []string{app.FindingEdited}},
		{"delete an event", func(t *testing.T, raw *sql.DB, pg bool, a *app.App, ids []int64) {
			unguard(t, raw, pg)
			exec(t, raw, pg, "DELETE FROM events WHERE id = ?", ids[2]) // the dispatch: the order's start
		}, []string{app.FindingBrokenLink}},
		{"delete the first event", func(t *testing.T, raw *sql.DB, pg bool, a *app.App, ids []int64) {
			unguard(t, raw, pg)
			exec(t, raw, pg, "DELETE FROM events WHERE id = ?", ids[0])
		}, []string{app.FindingBrokenLink, app.FindingNoStart}},
		{"insert an event", func(t *testing.T, raw *sql.DB, pg bool, a *app.App, ids []int64) {
			exec(t, raw, pg, "INSERT INTO events (incident_id, at, actor_id, kind, note) VALUES (1, ?, 1, 'note', '补记')", time.Now().UnixMilli())
		}, []string{app.FindingUnsealed, app.FindingBrokenLink}},
		{"move events", func(t *testing.T, raw *sql.DB, pg bool, a *app.App, ids []int64) {
			unguard(t, raw, pg)
			// Swap the content of two events (the order of the record).
			exec(t, raw, pg, "UPDATE events SET kind = 'x' WHERE id = ?", ids[3])
			exec(t, raw, pg, "UPDATE events SET kind = (SELECT kind FROM events WHERE id = ?), to_state = (SELECT to_state FROM events WHERE id = ?) WHERE id = ?", ids[4], ids[4], ids[3])
			exec(t, raw, pg, "UPDATE events SET kind = 'sign', to_state = 'signed' WHERE id = ?", ids[4])
		}, []string{app.FindingEdited}},
		{"erase the record", func(t *testing.T, raw *sql.DB, pg bool, a *app.App, ids []int64) {
			if pg {
				exec(t, raw, pg, "TRUNCATE events") // TRUNCATE fires no row trigger
				return
			}
			unguard(t, raw, pg)
			exec(t, raw, pg, "DELETE FROM events")
		}, []string{app.FindingNoRecord}},
		{"edit an order", func(t *testing.T, raw *sql.DB, pg bool, a *app.App, ids []int64) {
			exec(t, raw, pg, "UPDATE orders SET state = 'closed' WHERE id = 3")
		}, []string{app.FindingState}},
		{"move an order to another unit", func(t *testing.T, raw *sql.DB, pg bool, a *app.App, ids []int64) {
			exec(t, raw, pg, "INSERT INTO units (code, name, type) VALUES ('X', '某单位', 'housing')")
			exec(t, raw, pg, "UPDATE orders SET unit_id = (SELECT id FROM units WHERE code = 'X') WHERE id = 1")
		}, []string{app.FindingState}},
		{"edit an incident", func(t *testing.T, raw *sql.DB, pg bool, a *app.App, ids []int64) {
			exec(t, raw, pg, "UPDATE incidents SET disposition = 'police' WHERE id = 2")
		}, []string{app.FindingState}},
		{"a forged event with a right hash, after the day was sealed", func(t *testing.T, raw *sql.DB, pg bool, a *app.App, ids []int64) {
			ctx := context.Background()
			if _, err := a.SealDay(ctx, a.Now()); err != nil {
				t.Fatal(err)
			}
			var prev string
			if err := raw.QueryRow("SELECT hash FROM events WHERE incident_id = 3 ORDER BY id DESC LIMIT 1").Scan(&prev); err != nil {
				t.Fatal(err)
			}
			r := store.ChainRow{IncidentID: 3, At: a.Now().UnixMilli(), ActorID: 1, Kind: "note", Note: "补记", Data: "{}", Attachments: "[]", PrevHash: prev}
			exec(t, raw, pg, "INSERT INTO events (incident_id, at, actor_id, kind, note, data, attachments, prev_hash, hash) VALUES (3, ?, 1, 'note', '补记', '{}', '[]', ?, ?)", r.At, prev, r.Compute())
		}, []string{app.FindingDayHead}},
	}
	storetest.EachDSN(t, func(t *testing.T, base string) {
		pg := store.IsPostgres(base)
		for i, tc := range cases {
			t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
				dsn := base
				if i > 0 {
					if pg {
						dsn = storetest.PostgresDSN(t)
					} else {
						dsn = strings.Replace(base, "fenliu.db", "t"+itoa(int64(i))+".db", 1)
					}
				}
				a, _, ids := tamperCity(t, dsn)
				tc.do(t, rawSQL(t, dsn), pg, a, ids)
				code := Main([]string{"verify", "--db", dsn})
				rep, err := a.Verify(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				if len(tc.want) == 0 {
					if code != 0 || !rep.OK() {
						t.Fatalf("a clean record: exit %d, %+v", code, rep.Findings)
					}
					if rep.Events != 13 || len(rep.Days) == 0 {
						t.Errorf("verified %d events, %d days", rep.Events, len(rep.Days))
					}
					return
				}
				if code != 1 {
					t.Errorf("fenliu verify exited %d, want 1", code)
				}
				found := map[string]bool{}
				for _, f := range rep.Findings {
					found[f.Kind] = true
				}
				for _, k := range tc.want {
					if !found[k] {
						t.Errorf("no %s finding; found %+v", k, rep.Findings)
					}
				}
			})
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

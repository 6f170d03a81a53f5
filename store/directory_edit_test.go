package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/store"
	"github.com/fenliu/fenliu/store/storetest"
)

// TestDirectoryEdits: users, units, areas and roster entries change in
// place on both databases; a disabled user's token stops working.
func TestDirectoryEdits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		var token string
		err := db.Tx(ctx, func(q *store.Q) (err error) {
			token, err = q.CreateToken(ctx, f.taker.ID, "t", t0, t0.Add(time.Hour))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.Tx(ctx, func(q *store.Q) error {
			f.taker.DisplayName, f.taker.Disabled = "夜班接警员", true
			if err := q.UpdateUser(ctx, f.taker); err != nil {
				return err
			}
			if err := q.SetPasswordHash(ctx, f.staff.ID, "new-hash"); err != nil {
				return err
			}
			f.housing.Name, f.housing.AlwaysOn, f.housing.AreaIDs = "青秀区住房和城乡建设局", true, []int64{f.street.ID}
			if err := q.UpdateUnit(ctx, f.housing); err != nil {
				return err
			}
			f.grid.Name = "新竹第一网格"
			if err := q.UpdateArea(ctx, f.grid); err != nil {
				return err
			}
			sh := &fenliu.Shift{UnitID: f.um.ID, StartsAt: t0, EndsAt: t0.Add(8 * 3600e9), Person: "甲"}
			if err := q.CreateShift(ctx, sh, f.staff.ID, t0); err != nil {
				return err
			}
			sh.Person = "乙"
			if err := q.UpdateShift(ctx, sh); err != nil {
				return err
			}
			got, err := q.Shift(ctx, sh.ID)
			if err != nil || got.Person != "乙" {
				t.Errorf("shift after update: %+v, %v", got, err)
			}
			if err := q.DeleteShift(ctx, sh.ID); err != nil {
				return err
			}
			if _, err := q.Shift(ctx, sh.ID); fenliu.ErrorCode(err) != fenliu.ENotFound {
				t.Errorf("deleted shift: %v", err)
			}
			if err := q.UpdateUser(ctx, &fenliu.User{ID: 999999, DisplayName: "x", Role: fenliu.RoleLeader}); fenliu.ErrorCode(err) != fenliu.ENotFound {
				t.Errorf("updating no user: %v", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if u, err := db.User(ctx, f.taker.ID); err != nil || u.DisplayName != "夜班接警员" || !u.Disabled {
			t.Errorf("user after update: %+v, %v", u, err)
		}
		if _, err := db.UserByToken(ctx, token, t0); fenliu.ErrorCode(err) != fenliu.EUnauthorized {
			t.Errorf("a disabled user's token: %v", err)
		}
		if _, hash, _ := db.UserByUsername(ctx, "um1"); hash != "new-hash" {
			t.Errorf("password hash %q", hash)
		}
		if u, err := db.Unit(ctx, f.housing.ID); err != nil || u.Name != "青秀区住房和城乡建设局" || !u.AlwaysOn || len(u.AreaIDs) != 1 || u.AreaIDs[0] != f.street.ID {
			t.Errorf("unit after update: %+v, %v", u, err)
		}
		if a, err := db.Area(ctx, f.grid.ID); err != nil || a.Name != "新竹第一网格" {
			t.Errorf("area after update: %+v, %v", a, err)
		}
	})
}

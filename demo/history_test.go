package demo

import (
	"context"
	"testing"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/store"
	"github.com/fenliu/fenliu/store/storetest"
)

// TestHistory: the bench history loads on both databases, after what is
// there, in states the domain knows, and the next id follows it.
func TestHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		a := app.New(db, app.Options{})
		if _, err := Load(ctx, a, now, 10, 1); err != nil {
			t.Fatal(err)
		}
		before, _ := db.CountOrders(ctx)
		units, _ := db.Units(ctx)
		areas, _ := db.Areas(ctx)
		users, _ := db.Users(ctx)
		spec := HistorySpec{Orders: 3000, From: now.AddDate(0, -2, 0), To: now, Now: now, RecordedBy: users[0].ID, Seed: 3,
			Categories: []HistoryCategory{{"city_appearance.night_market_noise", fenliu.DispDivert}, {"public_safety.fight", fenliu.DispPolice}}}
		for _, u := range units {
			spec.Units = append(spec.Units, u.ID)
		}
		for _, ar := range areas {
			spec.Areas = append(spec.Areas, ar.ID)
		}
		if err := History(ctx, a, spec, nil); err != nil {
			t.Fatal(err)
		}
		after, _ := db.CountOrders(ctx)
		if after-before != 3000 {
			t.Fatalf("%d orders added, want 3000", after-before)
		}
		counts, err := db.StateCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for st := range counts {
			if !st.Valid() {
				t.Errorf("generated state %q is not a state of the domain", st)
			}
		}
		// The sequences follow the loaded ids: the service layer can add more.
		if _, _, err := a.Intake(ctx, users[0], fenliu.IncidentInput{Channel: fenliu.ChannelAPI, ChannelRef: "after-bulk", Text: "楼下烧烤太吵"}); err != nil {
			t.Fatalf("intake after the bulk load: %v", err)
		}
	})
}

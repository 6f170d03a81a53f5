package platform_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/cmd/counterpart/platform"
	"github.com/fenliu/fenliu/server"
	"github.com/fenliu/fenliu/server/servertest"
)

// TestCounterpart: the counterpart 12345 platform, subscribed to the
// dispatches of its desk unit, signs for and feeds back every order sent
// to it, through the API, and nothing sent to another unit.
func TestCounterpart(t *testing.T) {
	m := servertest.Start(t, "", func(c *server.Config) { c.WebhookPoll, c.WebhookBackoff = 50*time.Millisecond, 50*time.Millisecond })
	ctx := context.Background()
	a := m.App
	admin := &fenliu.User{Username: "admin", DisplayName: "管理员", Role: fenliu.RoleAdmin}
	if err := a.Bootstrap(ctx, admin, ""); err != nil {
		t.Fatal(err)
	}
	desk := &fenliu.Unit{Code: "12345", Name: "12345 热线平台", Type: fenliu.UTUrbanManagement, AlwaysOn: true}
	other := &fenliu.Unit{Code: "HS", Name: "住建局", Type: fenliu.UTHousing, AlwaysOn: true}
	for _, u := range []*fenliu.Unit{desk, other} {
		if err := a.CreateUnit(ctx, admin, u); err != nil {
			t.Fatal(err)
		}
	}
	staff := &fenliu.User{Username: "p12345", DisplayName: "12345 平台接口", Role: fenliu.RoleUnitStaff, UnitID: desk.ID}
	if err := a.CreateUser(ctx, admin, staff, ""); err != nil {
		t.Fatal(err)
	}
	token, err := a.CreateToken(ctx, admin, staff.ID, "counterpart")
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sub, err := a.CreateSubscriber(ctx, admin, fenliu.SubscriberInput{Name: "12345 平台", URL: "http://" + ln.Addr().String() + "/hook",
		Kinds: []string{"dispatch"}, UnitIDs: []int64{desk.ID}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := platform.New(m.URL(), token, sub.Secret, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	pctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go p.Work(pctx)
	srv := &http.Server{Handler: p}
	go srv.Serve(ln)
	defer srv.Close()

	var want []int64
	for i, unit := range []*fenliu.Unit{desk, other, desk, desk} {
		inc, _, err := a.Intake(ctx, admin, fenliu.IncidentInput{Channel: fenliu.Channel110, Text: "路灯不亮，第" + string(rune('一'+i)) + "处"})
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
		if unit == desk {
			want = append(want, orders[0].ID)
		}
	}
	for deadline := time.Now().Add(60 * time.Second); len(p.WorkedOrders()) < len(want); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("worked %v, want %v", p.WorkedOrders(), want)
		}
	}
	if got := p.WorkedOrders(); !slices.Equal(got, want) {
		t.Errorf("worked %v, want %v", got, want)
	}
	for _, id := range want {
		o, err := a.Order(ctx, admin, id)
		if err != nil {
			t.Fatal(err)
		}
		if o.State != fenliu.StateFedBack {
			t.Errorf("order %d is %s, want fed back", id, o.State)
		}
	}
}

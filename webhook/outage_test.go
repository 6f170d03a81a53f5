package webhook_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/server"
	"github.com/fenliu/fenliu/server/servertest"
	"github.com/fenliu/fenliu/store/storetest"
)

// receiver is another system: it checks each message's signature and age,
// drops a repeat by its webhook-id, and acts on the rest, which must come
// in order. Its modes: up, down (nothing listens on its port), fail (it
// answers 500), slow (it acts, but answers after the sender gave up).
type receiver struct {
	t    *testing.T
	addr string
	key  []byte
	slow time.Duration
	// lax: no check of the messages' age (a test clock) nor of their order
	// (replayed dead letters).
	lax bool

	mu       sync.Mutex
	mode     string
	srv      *http.Server
	received map[string]int // webhook-id → times received
	acted    []int64        // outbox ids acted on, in order
	kinds    map[int64]string
	units    map[int64]int64
	problems []string
}

func newReceiver(t *testing.T, slow time.Duration, lax bool) *receiver {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &receiver{t: t, addr: ln.Addr().String(), slow: slow, lax: lax, mode: "up", received: map[string]int{},
		kinds: map[int64]string{}, units: map[int64]int64{}}
	r.serve(ln)
	t.Cleanup(func() { r.setMode("down") })
	return r
}

// trust sets the key the receiver checks signatures with.
func (r *receiver) trust(secret string) {
	key, err := fenliu.WebhookKey(secret)
	if err != nil {
		r.t.Fatalf("secret %q: %v", secret, err)
	}
	r.mu.Lock()
	r.key = key
	r.mu.Unlock()
}

func (r *receiver) URL() string { return "http://" + r.addr + "/hook" }

func (r *receiver) serve(ln net.Listener) {
	r.srv = &http.Server{Handler: r}
	go r.srv.Serve(ln)
}

// setMode switches the receiver; down closes its port, up opens it again.
func (r *receiver) setMode(mode string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if mode == "down" && r.srv != nil {
		r.srv.Close()
		r.srv = nil
	}
	if mode != "down" && r.srv == nil {
		var ln net.Listener
		var err error
		for deadline := time.Now().Add(10 * time.Second); ; {
			if ln, err = net.Listen("tcp", r.addr); err == nil || time.Now().After(deadline) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if err != nil {
			r.t.Errorf("receiver cannot listen again on %s: %v", r.addr, err)
			return
		}
		r.serve(ln)
	}
	r.mode = mode
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	id, tsText, sig := req.Header.Get("webhook-id"), req.Header.Get("webhook-timestamp"), req.Header.Get("webhook-signature")
	ts, _ := strconv.ParseInt(tsText, 10, 64)
	r.mu.Lock()
	mode := r.mode
	r.mu.Unlock()
	if mode == "fail" {
		http.Error(w, "broken", http.StatusInternalServerError)
		return
	}
	r.mu.Lock()
	defer func() {
		r.mu.Unlock()
		if mode == "slow" {
			time.Sleep(r.slow) // acted on, but the answer comes too late
		}
		w.WriteHeader(http.StatusNoContent)
	}()
	if !fenliu.VerifyWebhook(r.key, id, ts, body, sig) {
		r.problems = append(r.problems, "bad signature on "+id)
		return
	}
	if age := time.Since(time.Unix(ts, 0)); !r.lax && (age > 5*time.Minute || age < -5*time.Minute) {
		r.problems = append(r.problems, fmt.Sprintf("%s is %s old", id, age))
	}
	r.received[id]++
	if r.received[id] > 1 {
		return // a repeat: dropped by its id
	}
	var e fenliu.OutboxEntry
	if err := json.Unmarshal(body, &e); err != nil || fenliu.WebhookMessageID(e.ID) != id {
		r.problems = append(r.problems, "body does not match "+id)
		return
	}
	if n := len(r.acted); !r.lax && n > 0 && e.ID <= r.acted[n-1] {
		r.problems = append(r.problems, fmt.Sprintf("entry %d after %d: out of order", e.ID, r.acted[n-1]))
	}
	r.acted = append(r.acted, e.ID)
	r.kinds[e.ID], r.units[e.ID] = e.Kind, e.UnitID
}

func (r *receiver) snapshot() (acted []int64, repeats int, problems []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, n := range r.received {
		repeats += n - 1
	}
	return slices.Clone(r.acted), repeats, slices.Clone(r.problems)
}

// city is what the test plays: actors made once, used across restarts.
type city struct {
	admin, taker, staff *fenliu.User
	units               [2]*fenliu.Unit
	token               string
	n                   int
}

func newCity(t *testing.T, m *server.Main) *city {
	ctx := context.Background()
	c := &city{admin: &fenliu.User{Username: "admin", DisplayName: "管理员", Role: fenliu.RoleAdmin}}
	if err := m.App.Bootstrap(ctx, c.admin, ""); err != nil {
		t.Fatal(err)
	}
	for i, code := range []string{"UM", "HS"} {
		c.units[i] = &fenliu.Unit{Code: code, Name: "单位" + code, Type: fenliu.UTUrbanManagement, AlwaysOn: true}
		if err := m.App.CreateUnit(ctx, c.admin, c.units[i]); err != nil {
			t.Fatal(err)
		}
	}
	c.taker = &fenliu.User{Username: "taker", DisplayName: "接警员", Role: fenliu.RoleCallTaker}
	c.staff = &fenliu.User{Username: "hs", DisplayName: "值班员", Role: fenliu.RoleUnitStaff, UnitID: c.units[1].ID}
	for _, u := range []*fenliu.User{c.taker, c.staff} {
		if err := m.App.CreateUser(ctx, c.admin, u, ""); err != nil {
			t.Fatal(err)
		}
	}
	var err error
	if c.token, err = m.App.CreateToken(ctx, c.admin, c.admin.ID, "test"); err != nil {
		t.Fatal(err)
	}
	return c
}

// play records n calls, each decided, dispatched to the two units in turn,
// signed and fed back: 5 outbox entries each.
func (c *city) play(t *testing.T, m *server.Main, n int) {
	t.Helper()
	ctx := context.Background()
	for range n {
		c.n++
		unit := c.units[c.n%2]
		inc, _, err := m.App.Intake(ctx, c.taker, fenliu.IncidentInput{Channel: fenliu.Channel110, Text: fmt.Sprintf("第%d起：楼下噪音扰民", c.n)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.App.Decide(ctx, c.taker, inc.ID, fenliu.DecisionInput{Disposition: fenliu.DispDivert}); err != nil {
			t.Fatal(err)
		}
		orders, err := m.App.Dispatch(ctx, c.taker, inc.ID, fenliu.DispatchInput{Orders: []fenliu.OrderSpec{{UnitID: unit.ID, Role: fenliu.OrderLead}}})
		if err != nil {
			t.Fatal(err)
		}
		for _, act := range []fenliu.Action{fenliu.ActSign, fenliu.ActFeedback} {
			if _, err := m.App.Act(ctx, c.admin, orders[0].ID, act, fenliu.ActionInput{Note: "已处理"}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// api calls the JSON API as the administrator.
func (c *city) api(t *testing.T, m *server.Main, method, path string, body any, out any) int {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, m.URL()+path, rd)
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, data)
		}
	}
	return resp.StatusCode
}

// changes reads the whole change feed, page by page.
func (c *city) changes(t *testing.T, m *server.Main) []fenliu.OutboxEntry {
	var all []fenliu.OutboxEntry
	for after := int64(0); ; {
		var page struct {
			Changes []fenliu.OutboxEntry `json:"changes"`
			Next    int64                `json:"next"`
		}
		if st := c.api(t, m, "GET", fmt.Sprintf("/api/v1/changes?after=%d&limit=50", after), nil, &page); st != 200 {
			t.Fatalf("changes: status %d", st)
		}
		if len(page.Changes) == 0 {
			return all
		}
		all = append(all, page.Changes...)
		after = page.Next
	}
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(90 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestOutageLosesAndDoublesNothing: one receiver is down for a while, then
// slow (it acts, but answers after the sender's timeout), then answering
// 500, and the server is restarted twice over the same database in the
// middle of it; a second receiver, filtered to one unit's sign events and
// notices, stays up all along. Every entry reaches each receiver, each
// entry is acted on once (repeats are dropped by webhook-id), in order, and
// the failures show in the subscriber's delivery log. The outage is
// compressed in time: the back-off starts at 20 ms, and the receiver's
// ten minutes down are some hundreds of failed attempts.
func TestOutageLosesAndDoublesNothing(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { outage(t, filepath.Join(t.TempDir(), "fenliu.db")) })
	t.Run("postgres", func(t *testing.T) { outage(t, storetest.PostgresDSN(t)) })
}

func outage(t *testing.T, dsn string) {
	const timeout = 300 * time.Millisecond
	start := func() *server.Main {
		return servertest.Start(t, dsn, func(c *server.Config) {
			c.WebhookBackoff, c.WebhookBackoffMax, c.WebhookTimeout, c.WebhookPoll = 20*time.Millisecond, 200*time.Millisecond, timeout, 50*time.Millisecond
		})
	}
	m := start()
	c := newCity(t, m)
	c.play(t, m, 2) // before the subscribers: not theirs

	main, filtered := newReceiver(t, 2*timeout, false), newReceiver(t, 0, false)
	var created struct {
		Subscriber fenliu.Subscriber `json:"subscriber"`
	}
	if st := c.api(t, m, "POST", "/api/v1/subscribers", fenliu.SubscriberInput{Name: "12345 平台", URL: main.URL()}, &created); st != 201 {
		t.Fatalf("create subscriber: %d", st)
	}
	mainSub := created.Subscriber
	main.trust(mainSub.Secret)
	if st := c.api(t, m, "POST", "/api/v1/subscribers", fenliu.SubscriberInput{Name: "住建局系统", URL: filtered.URL(),
		Kinds: []string{"sign", "notice"}, UnitIDs: []int64{c.units[1].ID}, Secret: fenliu.NewWebhookSecret()}, &created); st != 201 {
		t.Fatalf("create filtered subscriber: %d", st)
	}
	filtered.trust(created.Subscriber.Secret)
	firstOwn := mainSub.DoneID

	c.play(t, m, 3)
	// Down: nothing listens.
	main.setMode("down")
	c.play(t, m, 4)
	failures := func(m *server.Main) int {
		var d struct {
			Deliveries []fenliu.Delivery `json:"deliveries"`
		}
		c.api(t, m, "GET", fmt.Sprintf("/api/v1/subscribers/%d/deliveries?failed=true&limit=500", mainSub.ID), nil, &d)
		return len(d.Deliveries)
	}
	eventually(t, "failed attempts while the receiver is down", func() bool { return failures(m) >= 5 })
	// Restart in the middle of the outage.
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	m = start()
	c.play(t, m, 3)
	eventually(t, "failed attempts after the restart", func() bool { return failures(m) >= 10 })
	// Slow: acts on what it gets, answers too late; the sender tries again.
	main.setMode("slow")
	eventually(t, "the slow receiver to get repeats", func() bool { _, rep, _ := main.snapshot(); return rep >= 2 })
	// 500, and a second restart.
	main.setMode("fail")
	c.play(t, m, 2)
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	m = start()
	c.play(t, m, 2)
	main.setMode("up")

	all := c.changes(t, m)
	var want, wantFiltered []int64
	for _, e := range all {
		if e.ID <= firstOwn {
			continue
		}
		want = append(want, e.ID)
		if (e.Kind == "sign" || e.Kind == fenliu.OutboxNotice) && e.UnitID == c.units[1].ID {
			wantFiltered = append(wantFiltered, e.ID)
		}
	}
	if len(want) < 14*5 {
		t.Fatalf("only %d outbox entries for 14 calls", len(want))
	}
	eventually(t, "every entry at the main receiver", func() bool { acted, _, _ := main.snapshot(); return len(acted) >= len(want) })
	eventually(t, "every entry at the filtered receiver", func() bool { acted, _, _ := filtered.snapshot(); return len(acted) >= len(wantFiltered) })
	acted, repeats, problems := main.snapshot()
	if !slices.Equal(acted, want) {
		t.Errorf("the main receiver acted on %d entries, want %d:\n got %v\nwant %v", len(acted), len(want), acted, want)
	}
	if len(problems) > 0 {
		t.Errorf("main receiver: %v", problems)
	}
	if repeats == 0 {
		t.Error("the slow receiver got no repeats: the test did not exercise them")
	}
	fActed, _, fProblems := filtered.snapshot()
	if !slices.Equal(fActed, wantFiltered) || len(wantFiltered) == 0 {
		t.Errorf("the filtered receiver acted on %v, want %v", fActed, wantFiltered)
	}
	if len(fProblems) > 0 {
		t.Errorf("filtered receiver: %v", fProblems)
	}
	// The subscriber's stream and its log show what happened.
	var got struct {
		Subscriber fenliu.Subscriber `json:"subscriber"`
	}
	eventually(t, "the stream to be up to date", func() bool {
		c.api(t, m, "GET", fmt.Sprintf("/api/v1/subscribers/%d", mainSub.ID), nil, &got)
		return got.Subscriber.Pending == 0
	})
	s := got.Subscriber
	if s.Secret != "" {
		t.Error("the secret is shown after creation")
	}
	if s.Delivered < int64(len(want)) || s.Failed < 10 || s.Dead != 0 || s.DoneID != want[len(want)-1] {
		t.Errorf("stream: delivered %d (want ≥ %d), failed %d, dead %d, done %d (want %d)", s.Delivered, len(want), s.Failed, s.Dead, s.DoneID, want[len(want)-1])
	}
	t.Logf("%d entries, %d repeats dropped by the receiver, %d failed attempts, 2 restarts", len(want), repeats, s.Failed)
}

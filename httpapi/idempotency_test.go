package httpapi_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/server/servertest"
	"github.com/fenliu/fenliu/store/storetest"
)

// TestIdempotencyKey: a POST sent again with its Idempotency-Key gets the
// first answer and acts once, also when the copies arrive together; the
// key with another request is refused; keys are per user.
func TestIdempotencyKey(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { idempotency(t, filepath.Join(t.TempDir(), "fenliu.db")) })
	t.Run("postgres", func(t *testing.T) { idempotency(t, storetest.PostgresDSN(t)) })
}

func idempotency(t *testing.T, dsn string) {
	m := servertest.Start(t, dsn, nil)
	ctx := context.Background()
	admin := &fenliu.User{Username: "admin", DisplayName: "管理员", Role: fenliu.RoleAdmin}
	if err := m.App.Bootstrap(ctx, admin, ""); err != nil {
		t.Fatal(err)
	}
	other := &fenliu.User{Username: "admin2", DisplayName: "管理员二", Role: fenliu.RoleAdmin}
	if err := m.App.CreateUser(ctx, admin, other, ""); err != nil {
		t.Fatal(err)
	}
	tok, _ := m.App.CreateToken(ctx, admin, admin.ID, "t")
	tok2, _ := m.App.CreateToken(ctx, admin, other.ID, "t")
	call := func(token, key, path, body string) (int, string, http.Header) {
		req, _ := http.NewRequest("POST", m.URL()+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		if key != "" {
			req.Header.Set("Idempotency-Key", key)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), resp.Header
	}
	area := `{"code":"JN","name":"江南区","level":"district"}`
	st1, b1, _ := call(tok, "k-1", "/api/v1/areas", area)
	st2, b2, h2 := call(tok, "k-1", "/api/v1/areas", area)
	if st1 != 201 || st2 != 201 || b1 != b2 || h2.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("repeat: %d %s / %d %s %v", st1, b1, st2, b2, h2)
	}
	// Without a key the same request acts again (and conflicts on the code).
	if st, _, _ := call(tok, "", "/api/v1/areas", area); st != 409 {
		t.Errorf("without a key: %d", st)
	}
	if st, body, _ := call(tok, "k-1", "/api/v1/areas", `{"code":"JB","name":"江北区","level":"district"}`); st != 422 || !strings.Contains(body, "Idempotency-Key") {
		t.Errorf("the key with another body: %d %s", st, body)
	}
	if st, _, _ := call(tok, "k-1", "/api/v1/units", `{"code":"U","name":"单位","type":"housing","area_ids":[1]}`); st != 422 {
		t.Errorf("the key on another path: %d", st)
	}
	if st, body, _ := call(tok, strings.Repeat("x", 300), "/api/v1/areas", area); st != 400 {
		t.Errorf("a long key: %d %s", st, body)
	}
	// Per user: another user's k-1 is a new request.
	if st, _, h := call(tok2, "k-1", "/api/v1/areas", `{"code":"JB","name":"江北区","level":"district"}`); st != 201 || h.Get("Idempotent-Replayed") != "" {
		t.Errorf("another user's key: %d", st)
	}
	// Copies sent together: one acts, the others get its answer or "still running".
	unit := `{"code":"UM","name":"城管","type":"urban_management","area_ids":[1],"always_on":true}`
	var wg sync.WaitGroup
	results := make([]int, 8)
	for i := range results {
		wg.Add(1)
		go func() { defer wg.Done(); results[i], _, _ = call(tok, "unit-once", "/api/v1/units", unit) }()
	}
	wg.Wait()
	for _, st := range results {
		if st != 201 && st != 409 {
			t.Errorf("a parallel copy: %d", st)
		}
	}
	units, err := m.App.Units(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, u := range units {
		if u.Code == "UM" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d units made from parallel copies", n)
	}
	if st, body, h := call(tok, "unit-once", "/api/v1/units", unit); st != 201 || h.Get("Idempotent-Replayed") != "true" || !bytes.Contains([]byte(body), []byte(`"UM"`)) {
		t.Errorf("after the parallel copies: %d %s", st, body)
	}
}

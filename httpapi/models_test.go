package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/store/storetest"
	"github.com/fenliu/fenliu/triage"
)

// TestModelEndpoints operates the model and disagreement endpoints over
// HTTP: install a model file (201; the same file again 409), a damaged
// file (400), a leader installing (403), listing, rollback and switching,
// and the disagreement report for a leader (200) and a call taker (403).
func TestModelEndpoints(t *testing.T) {
	db := storetest.SQLite(t)
	a := app.New(db, app.Options{})
	ctx := context.Background()
	admin := &fenliu.User{Username: "admin", DisplayName: "管理员", Role: fenliu.RoleAdmin}
	if err := a.Bootstrap(ctx, admin, ""); err != nil {
		t.Fatal(err)
	}
	token := func(u *fenliu.User) string {
		if u != admin {
			if err := a.CreateUser(ctx, admin, u, ""); err != nil {
				t.Fatal(err)
			}
		}
		tok, err := a.CreateToken(ctx, nil, u.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	adminTok := token(admin)
	leaderTok := token(&fenliu.User{Username: "leader", DisplayName: "领导", Role: fenliu.RoleLeader})
	takerTok := token(&fenliu.User{Username: "taker", DisplayName: "接警员", Role: fenliu.RoleCallTaker})
	h := New(a, slog.New(slog.NewTextHandler(io.Discard, nil))).Handler()
	do := func(tok, method, path string, body []byte, want int) map[string]any {
		t.Helper()
		req := httptest.NewRequest(method, "http://x"+path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/octet-stream")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Fatalf("%s %s = %d, want %d: %s", method, path, rec.Code, want, rec.Body)
		}
		var out map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("%s %s: not JSON: %s", method, path, rec.Body)
		}
		return out
	}
	eng, err := triage.Default()
	if err != nil {
		t.Fatal(err)
	}
	var file bytes.Buffer
	v, err := eng.WriteModel(&file)
	if err != nil {
		t.Fatal(err)
	}
	do(adminTok, "POST", "/api/v1/triage/models", []byte("not a model"), http.StatusBadRequest)
	do(leaderTok, "POST", "/api/v1/triage/models", file.Bytes(), http.StatusForbidden)
	do(adminTok, "POST", "/api/v1/triage/models/rollback", nil, http.StatusUnprocessableEntity)
	// The built-in model's own file is not worse than itself: accepted.
	got := do(adminTok, "POST", "/api/v1/triage/models?note=built-in", file.Bytes(), http.StatusCreated)
	if ver := got["version"].(map[string]any); ver["version"] != v || ver["active"] != true || ver["note"] != "built-in" {
		t.Fatalf("install: %v", got)
	}
	do(adminTok, "POST", "/api/v1/triage/models", file.Bytes(), http.StatusConflict)
	list := do(adminTok, "GET", "/api/v1/triage/models", nil, http.StatusOK)
	if vs := list["versions"].([]any); len(vs) != 1 || list["active_model"] != v {
		t.Fatalf("versions: %v", list)
	}
	// This server has no engine of its own (no Options.Triage): back to none.
	if r := do(adminTok, "POST", "/api/v1/triage/models/rollback", nil, http.StatusOK); r["active"] != 0.0 || r["active_model"] != "" {
		t.Fatalf("rollback: %v", r)
	}
	id := list["versions"].([]any)[0].(map[string]any)["id"].(float64)
	do(adminTok, "POST", "/api/v1/triage/models/x/activate", nil, http.StatusBadRequest)
	do(adminTok, "POST", "/api/v1/triage/models/999/activate", nil, http.StatusNotFound)
	if r := do(adminTok, "POST", "/api/v1/triage/models/"+jsonNum(id)+"/activate", nil, http.StatusOK); r["active_model"] != v {
		t.Fatalf("activate: %v", r)
	}
	if r := do(leaderTok, "GET", "/api/v1/reports/disagreements", nil, http.StatusOK); r["categories"] == nil {
		t.Fatalf("disagreements: %v", r)
	}
	do(leaderTok, "GET", "/api/v1/reports/disagreements?min=0", nil, http.StatusBadRequest)
	do(takerTok, "GET", "/api/v1/reports/disagreements", nil, http.StatusForbidden)
}

func jsonNum(f float64) string { b, _ := json.Marshal(f); return string(b) }

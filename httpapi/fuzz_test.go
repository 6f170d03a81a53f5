package httpapi

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/store/storetest"
)

var seeds = []string{
	`{"channel":"110","text":"楼下太吵"}`,
	`{"channel":"110","channel_ref":"R1","text":"x","lat":22.1,"lng":108.2,"attachments":[{"kind":"photo","uri":"a"}]}`,
	`{"channel":"110","text":"x","received_at":"2026-11-23T08:00:00+08:00"}`,
	`{"channel":"110","text":"x","received_at":"yesterday"}`,
	`{"channel":1}`, `[]`, `null`, `{"text":"\ud800"}`, "{\"text\":\"\xff\"}", `{"a":1}`, `{} {}`, ``, `{"channel":"110","text":"x","lat":1e400}`,
	`{"disposition":"redirect","hotline":"12348"}`, `{"orders":[{"unit_id":1,"role":"lead"}]}`,
	`{"solved":true,"satisfaction":"satisfied","version":3}`,
}

// FuzzDecode: whatever the bytes, decoding into each request type either
// succeeds or fails with a domain error whose code maps to a 4xx status.
func FuzzDecode(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, dst := range []any{&fenliu.IncidentInput{}, &fenliu.DecisionInput{}, &fenliu.DispatchInput{}, &fenliu.ActionInput{}, &NewUser{}} {
			err := decodeBytes(data, dst)
			if err == nil {
				continue
			}
			var e *fenliu.Error
			if !errors.As(err, &e) {
				t.Fatalf("%T: non-domain error %v", dst, err)
			}
			if st := fenliu.StatusOf(e); st < 400 || st >= 500 || e.ZH == "" || e.EN == "" {
				t.Fatalf("%T: error %+v maps to %d", dst, e, st)
			}
		}
	})
}

// FuzzAPI sends fuzzed bodies to the real handlers over a real database:
// no answer may be a 5xx, and every answer is JSON.
func FuzzAPI(f *testing.F) {
	for _, s := range seeds {
		f.Add("/api/v1/incidents", []byte(s))
		f.Add("/api/v1/incidents/1/decision", []byte(s))
		f.Add("/api/v1/incidents/1/orders", []byte(s))
		f.Add("/api/v1/orders/1/callback", []byte(s))
	}
	db := storetest.SQLite(f)
	a := app.New(db, app.Options{})
	ctx := context.Background()
	admin := &fenliu.User{Username: "fuzz", DisplayName: "fuzz", Role: fenliu.RoleAdmin}
	if err := a.Bootstrap(ctx, admin, ""); err != nil {
		f.Fatal(err)
	}
	tok, err := a.CreateToken(ctx, nil, admin.ID, "")
	if err != nil {
		f.Fatal(err)
	}
	unit := &fenliu.Unit{Code: "U", Name: "城管", Type: fenliu.UTUrbanManagement}
	if err := a.CreateUnit(ctx, admin, unit); err != nil {
		f.Fatal(err)
	}
	h := New(a, slog.New(slog.NewTextHandler(io.Discard, nil))).Handler()
	f.Fuzz(func(t *testing.T, path string, body []byte) {
		if !strings.HasPrefix(path, "/api/") {
			return // the API's routes; the console serves the rest
		}
		req, err := http.NewRequest("POST", "http://x"+path, bytes.NewReader(body))
		if err != nil {
			return // not a request a client could send
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("POST %q %q = %d %s", path, body, rec.Code, rec.Body)
		}
		if rec.Code >= 300 && rec.Code < 400 {
			return // the mux redirects unclean paths (/api//x, /api/../x)
		}
		if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
			t.Fatalf("content type %q", ct)
		}
	})
}

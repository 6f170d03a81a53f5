package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/server/servertest"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// described checks real answers against the description the server serves
// at /api/v1/openapi.json.
type described struct {
	t     *testing.T
	base  string
	doc   map[string]any
	c     *jsonschema.Compiler
	paths []string // the description's paths, to match a request's path
	seen  map[string]bool
}

func newDescribed(t *testing.T, base string) *described {
	resp, err := http.Get(base + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	d := &described{t: t, base: base, seen: map[string]bool{}}
	if err := json.Unmarshal(raw, &d.doc); err != nil || d.doc["openapi"] != "3.1.0" {
		t.Fatalf("openapi.json: %v %.200s", err, raw)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	d.c = jsonschema.NewCompiler()
	d.c.DefaultDraft(jsonschema.Draft2020)
	d.c.AssertFormat()
	if err := d.c.AddResource("mem://openapi.json", inst); err != nil {
		t.Fatal(err)
	}
	// Every component compiles as a JSON Schema.
	for name := range d.doc["components"].(map[string]any)["schemas"].(map[string]any) {
		if _, err := d.c.Compile("mem://openapi.json#/components/schemas/" + name); err != nil {
			t.Errorf("component %s: %v", name, err)
		}
	}
	for p := range d.doc["paths"].(map[string]any) {
		d.paths = append(d.paths, p)
	}
	return d
}

// pathOf finds the described path a request path matches.
func (d *described) pathOf(path string) string {
	best := ""
	for _, p := range d.paths {
		segs := strings.Split(p, "/")
		for i, s := range segs {
			if strings.HasPrefix(s, "{") {
				segs[i] = `[^/]+`
			} else {
				segs[i] = regexp.QuoteMeta(s)
			}
		}
		if regexp.MustCompile("^"+strings.Join(segs, "/")+"$").MatchString(path) && (best == "" || strings.Count(best, "{") > strings.Count(p, "{")) {
			best = p
		}
	}
	return best
}

func esc(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1") }

// call makes a request and checks its answer against the operation's
// schema for that status (or the error schema).
func (d *described) call(token, method, path string, body any, want int) map[string]any {
	d.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, d.base+path, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		d.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		d.t.Fatalf("%s %s: %d, want %d: %s", method, path, resp.StatusCode, want, raw)
	}
	p := d.pathOf(strings.SplitN(path, "?", 2)[0])
	if p == "" {
		d.t.Fatalf("%s %s is not in the description", method, path)
	}
	opPtr := "#/paths/" + esc(p) + "/" + strings.ToLower(method)
	op, ok := d.doc["paths"].(map[string]any)[p].(map[string]any)[strings.ToLower(method)]
	if !ok {
		d.t.Fatalf("%s %s is not in the description", method, p)
	}
	status := fmt.Sprint(resp.StatusCode)
	if _, ok := op.(map[string]any)["responses"].(map[string]any)[status]; !ok {
		if resp.StatusCode < 400 {
			d.t.Fatalf("%s %s answered %d, which the description does not list", method, p, resp.StatusCode)
		}
		status = status[:1] + "XX"
	}
	sch, err := d.c.Compile("mem://openapi.json" + opPtr + "/responses/" + status + "/content/application~1json/schema")
	if err != nil {
		d.t.Fatalf("schema of %s %s %s: %v", method, p, status, err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		d.t.Fatalf("%s %s: not JSON: %s", method, path, raw)
	}
	if err := sch.Validate(inst); err != nil {
		d.t.Errorf("%s %s (%d) does not follow the description: %v\n%.600s", method, path, resp.StatusCode, err, raw)
	}
	d.seen[method+" "+p] = true
	var out map[string]any
	json.Unmarshal(raw, &out)
	return out
}

// TestAnswersFollowTheDescription plays the API walk-through and more, and
// checks every answer against the served OpenAPI description.
func TestAnswersFollowTheDescription(t *testing.T) {
	m := servertest.Start(t, "", nil)
	ctx := context.Background()
	root := &fenliu.User{Username: "root", DisplayName: "管理员", Role: fenliu.RoleAdmin}
	if err := m.App.Bootstrap(ctx, root, ""); err != nil {
		t.Fatal(err)
	}
	admin, _ := m.App.CreateToken(ctx, root, root.ID, "t")
	d := newDescribed(t, m.URL())
	id := func(v map[string]any, key string) int64 { return int64(v[key].(map[string]any)["id"].(float64)) }

	d.call("", "GET", "/api/v1/health", nil, 200)
	d.call(admin, "GET", "/api/v1/me", nil, 200)
	d.call("", "GET", "/api/v1/me", nil, 401)
	area := id(d.call(admin, "POST", "/api/v1/areas", map[string]any{"code": "JN", "name": "江南区", "level": "district"}, 201), "area")
	d.call(admin, "POST", "/api/v1/areas", map[string]any{"code": "", "name": "x", "level": "district"}, 400)
	unit := id(d.call(admin, "POST", "/api/v1/units", map[string]any{"code": "UM", "name": "城管", "type": "urban_management", "area_ids": []int64{area}, "always_on": true}, 201), "unit")
	d.call(admin, "GET", "/api/v1/units", nil, 200)
	d.call(admin, "GET", "/api/v1/areas", nil, 200)
	taker := id(d.call(admin, "POST", "/api/v1/users", map[string]any{"username": "taker", "display_name": "接警员", "role": "call_taker"}, 201), "user")
	staff := id(d.call(admin, "POST", "/api/v1/users", map[string]any{"username": "um", "display_name": "值班员", "role": "unit_staff", "unit_id": unit}, 201), "user")
	d.call(admin, "GET", "/api/v1/users", nil, 200)
	tTok := d.call(admin, "POST", fmt.Sprintf("/api/v1/users/%d/tokens", taker), nil, 201)["token"].(string)
	uTok := d.call(admin, "POST", fmt.Sprintf("/api/v1/users/%d/tokens", staff), nil, 201)["token"].(string)

	sub := id(d.call(admin, "POST", "/api/v1/subscribers", map[string]any{"name": "12345", "url": "http://127.0.0.1:9/hook"}, 201), "subscriber")
	d.call(admin, "GET", "/api/v1/subscribers", nil, 200)
	d.call(admin, "PUT", fmt.Sprintf("/api/v1/subscribers/%d", sub), map[string]any{"name": "12345 平台", "url": "http://127.0.0.1:9/hook", "active": false}, 200)
	d.call(admin, "GET", fmt.Sprintf("/api/v1/subscribers/%d", sub), nil, 200)
	d.call(tTok, "GET", "/api/v1/subscribers", nil, 403)

	inc := d.call(tTok, "POST", "/api/v1/incidents", map[string]any{"channel": "110", "text": "凌晨两点楼下烧烤摊还在放音乐划拳", "area_id": area}, 201)
	incID := id(inc, "incident")
	d.call(tTok, "POST", "/api/v1/incidents", map[string]any{"channel": "110", "text": ""}, 400)
	d.call(tTok, "POST", "/api/v1/triage", map[string]any{"text": "楼下装修太吵"}, 200)
	d.call(tTok, "GET", "/api/v1/incidents", nil, 200)
	d.call(tTok, "POST", fmt.Sprintf("/api/v1/incidents/%d/decision", incID), map[string]any{"disposition": "divert", "category": "city_appearance.night_market_noise"}, 200)
	orders := d.call(tTok, "POST", fmt.Sprintf("/api/v1/incidents/%d/orders", incID), map[string]any{"orders": []any{map[string]any{"unit_id": unit, "role": "lead"}}}, 201)
	order := int64(orders["orders"].([]any)[0].(map[string]any)["id"].(float64))
	d.call(tTok, "GET", fmt.Sprintf("/api/v1/incidents/%d", incID), nil, 200)
	d.call(uTok, "POST", fmt.Sprintf("/api/v1/orders/%d/sign", order), nil, 200)
	d.call(uTok, "POST", fmt.Sprintf("/api/v1/orders/%d/sign", order), nil, 409)
	d.call(uTok, "POST", fmt.Sprintf("/api/v1/orders/%d/feedback", order), map[string]any{"note": "已处理"}, 200)
	d.call(uTok, "GET", "/api/v1/orders", nil, 200)
	d.call(uTok, "GET", fmt.Sprintf("/api/v1/orders/%d", order), nil, 200)
	d.call(admin, "POST", fmt.Sprintf("/api/v1/orders/%d/notices", order), map[string]any{"kind": "rectification", "text": "请整改", "due_at": "2030-01-01T00:00:00Z"}, 201)
	d.call(uTok, "GET", "/api/v1/notices", nil, 200)
	d.call(admin, "GET", "/api/v1/changes?after=0&limit=5", nil, 200)
	// Unit staff read only their unit's entries of the change feed.
	own := d.call(uTok, "GET", "/api/v1/changes", nil, 200)["changes"].([]any)
	all := d.call(admin, "GET", "/api/v1/changes?limit=1000", nil, 200)["changes"].([]any)
	if len(own) < 3 || len(own) >= len(all) {
		t.Errorf("unit staff see %d of %d entries", len(own), len(all))
	}
	for _, e := range own {
		if int64(e.(map[string]any)["unit_id"].(float64)) != unit {
			t.Errorf("unit staff see another unit's entry %v", e)
		}
	}
	d.call(admin, "GET", fmt.Sprintf("/api/v1/subscribers/%d/deliveries?failed=true", sub), nil, 200)
	d.call(admin, "GET", fmt.Sprintf("/api/v1/subscribers/%d/dead-letters", sub), nil, 200)
	d.call(admin, "GET", "/api/v1/dead-letters/1", nil, 404)
	d.call(admin, "GET", "/api/v1/catalog", nil, 200)
	d.call(admin, "GET", "/api/v1/settings", nil, 200)
	d.call(admin, "GET", "/api/v1/reports?period=day", nil, 200)
	d.call(admin, "DELETE", fmt.Sprintf("/api/v1/subscribers/%d", sub), nil, 200)
	if len(d.seen) < 30 {
		t.Errorf("only %d operations exercised", len(d.seen))
	}
}

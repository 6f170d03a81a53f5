package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/store"
	"github.com/fenliu/fenliu/store/storetest"
)

const smallCatalog = `version: "city-1"
groups:
  - code: city_appearance
    name_zh: 市容环境
    name_en: City appearance
    categories:
      - code: city_appearance.night_market_noise
        name_zh: 夜市噪音扰民
        name_en: Night-market noise
        disposition: divert
        units: [urban_management]
        urgency: normal
        limits: {sign: 30m, arrive: 2h, feedback: 1d, close: 3d}
        keywords: [夜市, 烧烤, 吵]
        examples: [楼下烧烤摊太吵]
  - code: legal
    name_zh: 法律服务
    name_en: Legal services
    categories:
      - code: legal.consultation
        name_zh: 法律咨询
        name_en: Legal questions
        disposition: redirect
        units: [legal_services]
        hotline: "12348"
        urgency: low
        limits: {sign: 0, arrive: 0, feedback: 0, close: 0}
        keywords: [法律, 律师]
        examples: [想咨询离婚财产怎么分]
`

type apiWorld struct {
	t      *testing.T
	h      http.Handler
	a      *app.App
	admin  string
	taker  string
	unitID int64
}

func newAPIWorld(t *testing.T, db *store.DB) *apiWorld {
	ctx := context.Background()
	a := app.New(db, app.Options{})
	w := &apiWorld{t: t, a: a, h: New(a, slog.New(slog.NewTextHandler(io.Discard, nil))).Handler()}
	root := &fenliu.User{Username: "root", DisplayName: "root", Role: fenliu.RoleAdmin}
	if err := a.Bootstrap(ctx, root, ""); err != nil {
		t.Fatal(err)
	}
	w.admin, _ = a.CreateToken(ctx, nil, root.ID, "")
	taker := &fenliu.User{Username: "taker", DisplayName: "t", Role: fenliu.RoleCallTaker}
	a.Bootstrap(ctx, taker, "")
	w.taker, _ = a.CreateToken(ctx, nil, taker.ID, "")
	u := &fenliu.Unit{Code: "UM", Name: "城管", Type: fenliu.UTUrbanManagement}
	if err := a.CreateUnit(ctx, root, u); err != nil {
		t.Fatal(err)
	}
	w.unitID = u.ID
	return w
}

func (w *apiWorld) do(token, method, path, ctype, body string) (int, map[string]any) {
	req := httptest.NewRequest(method, path, bytes.NewBufferString(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	rec := httptest.NewRecorder()
	w.h.ServeHTTP(rec, req)
	var out map[string]any
	json.Unmarshal(rec.Body.Bytes(), &out)
	if out == nil {
		out = map[string]any{"raw": rec.Body.String()}
	}
	return rec.Code, out
}

func TestCatalogueVersions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newAPIWorld(t, db)
		// Only admins import.
		if st, _ := w.do(w.taker, "POST", "/api/v1/catalog?version=x", "application/yaml", smallCatalog); st != 403 {
			t.Fatalf("taker import = %d", st)
		}
		if st, out := w.do(w.admin, "POST", "/api/v1/catalog?version=2026-12", "application/yaml", smallCatalog); st != 201 || out["categories"] != 2.0 {
			t.Fatalf("import = %d %v", st, out)
		}
		// A broken catalogue is refused with the reason.
		bad := strings.Replace(smallCatalog, `hotline: "12348"`, "", 1)
		if st, out := w.do(w.admin, "POST", "/api/v1/catalog?version=bad", "application/yaml", bad); st != 400 || !strings.Contains(out["error"].(map[string]any)["message_en"].(string), "hotline") {
			t.Fatalf("bad import = %d %v", st, out)
		}
		// The same version twice is a conflict.
		if st, _ := w.do(w.admin, "POST", "/api/v1/catalog?version=2026-12", "application/yaml", smallCatalog); st != 409 {
			t.Fatalf("duplicate version = %d", st)
		}
		st, out := w.do(w.taker, "GET", "/api/v1/catalog", "", "")
		if st != 200 || out["version"] != "2026-12" || len(out["groups"].([]any)) != 2 {
			t.Fatalf("catalog = %d %v", st, out)
		}
		// Edit one category: a new version with the change.
		edit := `{"version":"2026-12b","group":"city_appearance","category":{"code":"city_appearance.night_market_noise","name_zh":"夜市噪音","name_en":"Night-market noise","disposition":"divert","units":["urban_management","ecology_environment"],"urgency":"urgent","limits":{"sign":"15m","arrive":"1h","feedback":"4h","close":"1d"},"keywords":["夜市"],"auto_dispatch":true}}`
		if st, out := w.do(w.admin, "PUT", "/api/v1/catalog/categories/city_appearance.night_market_noise", "application/json", edit); st != 200 {
			t.Fatalf("edit = %d %v", st, out)
		}
		c := w.a.Catalog()
		if c.Version != "2026-12b" || !c.Category("city_appearance.night_market_noise").AutoDispatch || len(c.Categories()) != 2 {
			t.Fatalf("after edit: %s %+v", c.Version, c.Category("city_appearance.night_market_noise"))
		}
		st, out = w.do(w.admin, "GET", "/api/v1/catalog/versions", "", "")
		if st != 200 || out["active"] != "2026-12b" || len(out["versions"].([]any)) != 2 {
			t.Fatalf("versions = %v", out)
		}
		// YAML export re-imports to the same catalogue.
		req := httptest.NewRequest("GET", "/api/v1/catalog?format=yaml", nil)
		req.Header.Set("Authorization", "Bearer "+w.admin)
		rec := httptest.NewRecorder()
		w.h.ServeHTTP(rec, req)
		back, err := app.ParseCatalogYAML(rec.Body.Bytes())
		if err != nil || len(back.Categories()) != 2 || back.Category("legal.consultation").Hotline != "12348" {
			t.Fatalf("export: %v", err)
		}
		// A restart loads the newest stored version.
		fresh := app.New(db, app.Options{})
		if err := fresh.LoadCatalog(context.Background()); err != nil || fresh.Catalog().Version != "2026-12b" {
			t.Fatalf("reload: %v", err)
		}
	})
}

func TestRostersAndRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newAPIWorld(t, db)
		shift := `{"unit_id":` + itoa(w.unitID) + `,"starts_at":"2026-11-23T08:00:00+08:00","ends_at":"2026-11-23T20:00:00+08:00","person":"王工","phone":"13900000000"}`
		if st, out := w.do(w.admin, "POST", "/api/v1/shifts", "application/json", shift); st != 201 {
			t.Fatalf("shift = %d %v", st, out)
		}
		if st, _ := w.do(w.taker, "POST", "/api/v1/shifts", "application/json", shift); st != 403 {
			t.Fatalf("taker shift = %d", st)
		}
		backwards := strings.Replace(shift, "20:00", "07:00", 1)
		if st, _ := w.do(w.admin, "POST", "/api/v1/shifts", "application/json", backwards); st != 400 {
			t.Fatalf("backwards shift = %d", st)
		}
		st, out := w.do(w.taker, "GET", "/api/v1/shifts?from=2026-11-23T00:00:00Z&to=2026-11-24T00:00:00Z", "", "")
		if st != 200 || len(out["shifts"].([]any)) != 1 {
			t.Fatalf("shifts = %d %v", st, out)
		}
		rule := `{"category":"city_appearance.night_market_noise","unit_id":` + itoa(w.unitID) + `}`
		st, out = w.do(w.admin, "POST", "/api/v1/routing/rules", "application/json", rule)
		if st != 201 {
			t.Fatalf("rule = %d %v", st, out)
		}
		id := int64(out["rule"].(map[string]any)["id"].(float64))
		if st, _ := w.do(w.admin, "POST", "/api/v1/routing/rules", "application/json", `{"unit_id":`+itoa(w.unitID)+`}`); st != 400 {
			t.Fatalf("empty rule = %d", st)
		}
		if st, _ := w.do(w.admin, "DELETE", "/api/v1/routing/rules/"+itoa(id), "", ""); st != 204 {
			t.Fatalf("delete = %d", st)
		}
		if st, _ := w.do(w.admin, "DELETE", "/api/v1/routing/rules/"+itoa(id), "", ""); st != 404 {
			t.Fatalf("delete again = %d", st)
		}
	})
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

func TestCalendarAndLimitsAPI(t *testing.T) {
	w := newAPIWorld(t, storetest.SQLite(t))
	if st, out := w.do(w.admin, "PUT", "/api/v1/calendar", "application/json", `{"day_start":"08:30","day_end":"17:30","holidays":["2026-10-01"],"workdays":["2026-10-10"]}`); st != 200 {
		t.Fatalf("calendar = %d %v", st, out)
	}
	if st, _ := w.do(w.admin, "PUT", "/api/v1/calendar", "application/json", `{"day_start":"8am","day_end":"17:30"}`); st != 400 {
		t.Fatalf("bad calendar = %d", st)
	}
	if st, _ := w.do(w.taker, "PUT", "/api/v1/calendar", "application/json", `{"day_start":"08:30","day_end":"17:30"}`); st != 403 {
		t.Fatalf("taker calendar = %d", st)
	}
	if st, out := w.do(w.admin, "PUT", "/api/v1/limits/housing", "application/json", `{"sign":"15m","feedback":"1d","close":"3d"}`); st != 200 {
		t.Fatalf("limits = %d %v", st, out)
	}
	if st, _ := w.do(w.admin, "PUT", "/api/v1/limits/aliens", "application/json", `{"sign":"15m"}`); st != 400 {
		t.Fatalf("unknown type = %d", st)
	}
}

func TestReportsAndWeightsAPI(t *testing.T) {
	w := newAPIWorld(t, storetest.SQLite(t))
	if st, out := w.do(w.admin, "PUT", "/api/v1/assessment/weights", "application/json", `{"sign_for":50,"satisfaction":50}`); st != 200 {
		t.Fatalf("weights = %d %v", st, out)
	}
	if st, _ := w.do(w.admin, "PUT", "/api/v1/assessment/weights", "application/json", `{"speed":10}`); st != 400 {
		t.Fatalf("unknown rate = %d", st)
	}
	st, out := w.do(w.taker, "GET", "/api/v1/reports?group=unit", "", "")
	if st != 200 || out["total"] == nil {
		t.Fatalf("report = %d %v", st, out)
	}
	if st, _ := w.do(w.taker, "GET", "/api/v1/reports?group=planet", "", ""); st != 400 {
		t.Fatalf("bad group = %d", st)
	}
}

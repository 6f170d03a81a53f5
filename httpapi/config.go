package httpapi

import (
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/catalog"
	"github.com/fenliu/fenliu/store"
)

// configRoutes: the matter catalogue (versioned), duty rosters, routing
// rules and settings, and the triage suggestion.
func (api *API) configRoutes(mux *http.ServeMux) {
	mux.Handle("GET /api/v1/catalog", api.auth(api.getCatalog))
	mux.Handle("GET /api/v1/catalog/versions", api.auth(api.catalogVersions))
	mux.Handle("POST /api/v1/catalog", api.auth(api.importCatalog))
	mux.Handle("PUT /api/v1/catalog/categories/{code}", api.auth(api.putCategory))
	mux.Handle("GET /api/v1/shifts", api.auth(api.listShifts))
	mux.Handle("POST /api/v1/shifts", api.auth(api.createShift))
	mux.Handle("GET /api/v1/routing/rules", api.auth(api.listRules))
	mux.Handle("POST /api/v1/routing/rules", api.auth(api.createRule))
	mux.Handle("DELETE /api/v1/routing/rules/{id}", api.auth(api.deleteRule))
	mux.Handle("POST /api/v1/triage", api.auth(api.triage))
	mux.Handle("PUT /api/v1/routing/mode", api.auth(api.setRouting))
	mux.Handle("PUT /api/v1/calendar", api.auth(api.setCalendar))
	mux.Handle("PUT /api/v1/assessment/weights", api.auth(api.setWeights))
	mux.Handle("GET /api/v1/reports", api.auth(api.report))
	mux.Handle("PUT /api/v1/limits/{unit_type}", api.auth(api.setLimits))
	api.noticeRoutes(mux)
}

// getCatalog answers the active catalogue as JSON, or as the YAML file a
// city edits with ?format=yaml.
func (api *API) getCatalog(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	c := api.App.Catalog()
	if c == nil {
		api.fail(w, r, &fenliu.Error{Code: fenliu.ENotFound, ZH: "尚无事项清单", EN: "no catalogue loaded"})
		return
	}
	if r.URL.Query().Get("format") == "yaml" {
		b, err := app.CatalogYAML(c)
		if err != nil {
			api.fail(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="fenliu-catalog-`+strings.ReplaceAll(c.Version, `"`, "")+`.yaml"`)
		w.Write(b)
		return
	}
	writeJSON(w, http.StatusOK, catalog.File{Version: c.Version, Groups: c.Groups})
}

func (api *API) catalogVersions(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	vs, err := api.App.DB.CatalogVersions(r.Context())
	if err != nil {
		api.fail(w, r, err)
		return
	}
	active := ""
	if c := api.App.Catalog(); c != nil {
		active = c.Version
	}
	writeJSON(w, http.StatusOK, map[string]any{"active": active, "versions": vs})
}

// importCatalog takes a whole catalogue: YAML (Content-Type application/yaml
// or text/yaml) or JSON; ?version= names the new version.
func (api *API) importCatalog(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	if err := fenliu.CanAdminister(u); err != nil {
		api.fail(w, r, err)
		return
	}
	var c *catalog.Catalog
	ct := r.Header.Get("Content-Type")
	if strings.Contains(ct, "yaml") {
		b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 4<<20))
		if err != nil {
			api.fail(w, r, &fenliu.Error{Code: fenliu.ETooLarge, ZH: "事项清单文件过大", EN: "catalogue file too large"})
			return
		}
		if c, err = app.ParseCatalogYAML(b); err != nil {
			api.fail(w, r, err)
			return
		}
	} else {
		var f catalog.File
		if err := decode(w, r, 4<<20, &f); err != nil {
			api.fail(w, r, err)
			return
		}
		var err error
		if c, err = catalog.New(f); err != nil {
			api.fail(w, r, &fenliu.Error{Code: fenliu.EInvalid, Field: "catalog", ZH: "事项清单无效：" + err.Error(), EN: "invalid catalogue: " + err.Error()})
			return
		}
	}
	version := r.URL.Query().Get("version")
	if err := api.App.ImportCatalog(r.Context(), u, version, r.URL.Query().Get("note"), c); err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"version": version, "categories": len(c.Categories())})
}

func (api *API) putCategory(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	var body struct {
		Version  string           `json:"version"`
		Group    string           `json:"group"`
		Category catalog.Category `json:"category"`
	}
	if err := decode(w, r, api.MaxBody, &body); err != nil {
		api.fail(w, r, err)
		return
	}
	if body.Category.Code != r.PathValue("code") {
		api.fail(w, r, &fenliu.Error{Code: fenliu.EInvalid, Field: "category.code", ZH: "事项编码与地址不一致", EN: "category.code differs from the URL"})
		return
	}
	if err := api.App.PutCategory(r.Context(), u, body.Version, body.Group, body.Category); err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"version": body.Version})
}

func (api *API) listShifts(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	from, err := queryTime(r, "from")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	to, err := queryTime(r, "to")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	if from.IsZero() {
		from = time.Now().Add(-24 * time.Hour)
	}
	if to.IsZero() {
		to = from.Add(8 * 24 * time.Hour)
	}
	shifts, err := api.App.DB.Shifts(r.Context(), from, to)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"shifts": shifts})
}

func (api *API) createShift(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	var s store.Shift
	if err := decode(w, r, api.MaxBody, &s); err != nil {
		api.fail(w, r, err)
		return
	}
	s.ID = 0
	if err := api.App.AddShift(r.Context(), u, &s); err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"shift": s})
}

func (api *API) listRules(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	rules, err := api.App.DB.RoutingRules(r.Context())
	if err != nil {
		api.fail(w, r, err)
		return
	}
	mode, err := api.App.DB.Setting(r.Context(), app.SettingRoutingMode)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"rules": rules, "mode": mode})
}

func (api *API) createRule(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	var rule store.RoutingRule
	if err := decode(w, r, api.MaxBody, &rule); err != nil {
		api.fail(w, r, err)
		return
	}
	rule.ID = 0
	if err := api.App.AddRoutingRule(r.Context(), u, &rule); err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"rule": rule})
}

func (api *API) deleteRule(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	id, err := pathID(r, "id")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	if err := api.App.DeleteRoutingRule(r.Context(), u, id); err != nil {
		api.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// triage answers what the engine suggests for a text (nothing is written).
func (api *API) triage(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	var body struct {
		Text    string `json:"text"`
		AreaID  int64  `json:"area_id"`
		Phone   string `json:"caller_phone"`
		Address string `json:"address"`
	}
	if err := decode(w, r, api.MaxBody, &body); err != nil {
		api.fail(w, r, err)
		return
	}
	if strings.TrimSpace(body.Text) == "" {
		api.fail(w, r, &fenliu.Error{Code: fenliu.EInvalid, Field: "text", ZH: "诉求内容不能为空", EN: "text is required"})
		return
	}
	s, err := api.App.Suggest(r.Context(), u, body.Text, body.AreaID, body.Phone, body.Address)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s)
}

func (api *API) noticeRoutes(mux *http.ServeMux) {
	mux.Handle("GET /api/v1/notices", api.auth(api.listNotices))
	mux.Handle("POST /api/v1/orders/{id}/notices", api.auth(api.sendNotice))
	mux.Handle("POST /api/v1/notices/{id}/reply", api.auth(api.replyNotice))
}

func (api *API) listNotices(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	var f store.NoticeFilter
	var err error
	if f.UnitID, err = queryInt(r, "unit_id"); err != nil {
		api.fail(w, r, err)
		return
	}
	if f.OrderID, err = queryInt(r, "order_id"); err != nil {
		api.fail(w, r, err)
		return
	}
	f.Open = r.URL.Query().Get("open") == "true"
	ns, err := api.App.Notices(r.Context(), u, f)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"notices": ns})
}

func (api *API) sendNotice(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	id, err := pathID(r, "id")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	var body struct {
		Kind  fenliu.NoticeKind `json:"kind"`
		Text  string            `json:"text"`
		DueAt time.Time         `json:"due_at"`
	}
	if err := decode(w, r, api.MaxBody, &body); err != nil {
		api.fail(w, r, err)
		return
	}
	n, err := api.App.SendNotice(r.Context(), u, id, body.Kind, body.Text, body.DueAt)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"notice": n})
}

func (api *API) replyNotice(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	id, err := pathID(r, "id")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	var body struct {
		Reply string `json:"reply"`
	}
	if err := decode(w, r, api.MaxBody, &body); err != nil {
		api.fail(w, r, err)
		return
	}
	if err := api.App.ReplyNotice(r.Context(), u, id, body.Reply); err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"replied": true})
}

func (api *API) setRouting(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	var body struct {
		Mode           string `json:"mode"`
		DeskUnitID     int64  `json:"desk_unit_id"`
		DutyRoomUnitID int64  `json:"duty_room_unit_id"`
	}
	if err := decode(w, r, api.MaxBody, &body); err != nil {
		api.fail(w, r, err)
		return
	}
	if err := api.App.SetRouting(r.Context(), u, body.Mode, body.DeskUnitID, body.DutyRoomUnitID); err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, body)
}

func (api *API) setCalendar(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	var body struct {
		DayStart string   `json:"day_start"` // "08:30"
		DayEnd   string   `json:"day_end"`   // "17:30"
		Holidays []string `json:"holidays"`
		Workdays []string `json:"workdays"`
	}
	if err := decode(w, r, api.MaxBody, &body); err != nil {
		api.fail(w, r, err)
		return
	}
	clock := func(field, v string) (time.Duration, error) {
		t, err := time.Parse("15:04", v)
		if err != nil {
			return 0, &fenliu.Error{Code: fenliu.EInvalid, Field: field, ZH: "时间格式应为 HH:MM", EN: field + " must be HH:MM"}
		}
		return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
	}
	start, err := clock("day_start", body.DayStart)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	end, err := clock("day_end", body.DayEnd)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	if err := api.App.SetCalendar(r.Context(), u, &fenliu.Calendar{DayStart: start, DayEnd: end, Holidays: body.Holidays, Workdays: body.Workdays}); err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, body)
}

// setLimits sets a unit type's time limits ({"sign":"15m",...}); an empty
// body object clears the override.
func (api *API) setLimits(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	var l catalog.Limits
	if err := decode(w, r, api.MaxBody, &l); err != nil {
		api.fail(w, r, err)
		return
	}
	var lp *catalog.Limits
	if l != (catalog.Limits{}) {
		lp = &l
	}
	if err := api.App.SetLimitOverride(r.Context(), u, fenliu.UnitType(r.PathValue("unit_type")), lp); err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"unit_type": r.PathValue("unit_type"), "limits": lp})
}

func (api *API) setWeights(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	var weights map[string]float64
	if err := decode(w, r, api.MaxBody, &weights); err != nil {
		api.fail(w, r, err)
		return
	}
	if err := api.App.SetWeights(r.Context(), u, weights); err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, weights)
}

// report answers the rates of a window: ?from=&to= (RFC 3339, default the
// last 30 days), &group=unit|unit_type|category|area|day.
func (api *API) report(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	var page listPage
	if err := page.parse(r, nil); err != nil {
		api.fail(w, r, err)
		return
	}
	q := app.ReportQuery{From: page.from, To: page.to, GroupBy: r.URL.Query().Get("group")}
	if q.To.IsZero() {
		q.To = time.Now()
	}
	if q.From.IsZero() {
		q.From = q.To.Add(-30 * 24 * time.Hour)
	}
	switch q.GroupBy {
	case "", app.ByUnit, app.ByUnitType, app.ByCategory, app.ByArea, app.ByDay:
	default:
		api.fail(w, r, &fenliu.Error{Code: fenliu.EInvalid, Field: "group", ZH: "分组必须是 unit、unit_type、category、area 或 day", EN: "group must be unit, unit_type, category, area or day"})
		return
	}
	rep, err := api.App.Report(r.Context(), u, q)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

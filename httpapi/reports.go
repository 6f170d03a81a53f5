package httpapi

import (
	"net/http"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
)

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
		q.To = api.app.Now()
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
	rep, err := api.app.Report(r.Context(), u, q)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

package console

import (
	"fmt"
	"net/http"
	"time"

	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/xlsx"
)

// bulletins lists the stored bulletins and shows one made on demand for the
// period and date asked (?period=day|week|month&date=2026-11-22).
func (s *Server) bulletins(w http.ResponseWriter, r *http.Request, sess *session) {
	period := r.URL.Query().Get("period")
	if period == "" {
		period = "day"
	}
	loc := s.app.Location(r.Context())
	date := s.app.Now().In(loc).AddDate(0, 0, -1)
	if d := r.URL.Query().Get("date"); d != "" {
		if t, err := time.ParseInLocation("2006-01-02", d, loc); err == nil {
			date = t
		}
	}
	rep, err := s.app.Bulletin(r.Context(), sess.User, period, date)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	from, to, _ := app.PeriodBounds(period, date, loc)
	if r.URL.Query().Get("format") == "xlsx" {
		s.bulletinXLSX(w, rep, period, from, loc)
		return
	}
	stored, err := s.app.Bulletins(r.Context(), sess.User, 60)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	p := s.newPage(r, sess, "", "dashboard")
	p.Title = p.T("bul.title")
	p.Data = map[string]any{"Period": period, "Date": date.Format("2006-01-02"), "From": from, "To": to.Add(-time.Second),
		"Total": s.dashRows(r, p, []*app.ReportRow{&rep.Total}, 30, "")[0], "Rows": s.dashRows(r, p, rep.Rows, 30, app.ByUnit),
		"Cols": rateCols, "Stored": stored}
	s.render(w, http.StatusOK, "bulletins", p)
}

// bulletin shows a stored bulletin as it was made.
func (s *Server) bulletin(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathInt(r, "id")
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	b, rep, err := s.app.StoredBulletin(r.Context(), sess.User, id)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	loc := s.app.Location(r.Context())
	if r.URL.Query().Get("format") == "xlsx" {
		s.bulletinXLSX(w, rep, b.Period, b.StartsAt, loc)
		return
	}
	p := s.newPage(r, sess, "", "dashboard")
	p.Title = p.T("bul.title")
	p.Data = map[string]any{"Period": b.Period, "Date": b.StartsAt.In(loc).Format("2006-01-02"), "From": b.StartsAt, "To": b.EndsAt.Add(-time.Second),
		"Total": s.dashRows(r, p, []*app.ReportRow{&rep.Total}, 30, "")[0], "Rows": s.dashRows(r, p, rep.Rows, 30, app.ByUnit),
		"Cols": rateCols, "StoredID": b.ID}
	if b.Period == "day" {
		// The day's chain head, printed so a copy kept elsewhere anchors the record.
		if c, err := s.app.ChainHead(r.Context(), b.StartsAt.In(loc).Format("2006-01-02")); err == nil && c != nil {
			p.Data.(map[string]any)["ChainHead"] = c
		}
	}
	s.render(w, http.StatusOK, "bulletins", p)
}

func (s *Server) bulletinXLSX(w http.ResponseWriter, rep *app.Report, period string, from time.Time, loc *time.Location) {
	header := []string{"单位 Unit", "工单 Orders", "考核得分 Score"}
	for _, c := range rateCols {
		header = append(header, c.ZH+" "+c.EN+" (%)")
	}
	line := func(rr *app.ReportRow) []any {
		row := []any{rr.Name, rr.Counts.Dispatched, nil}
		if rr.Score != nil {
			row[2] = float64(int(*rr.Score*10+0.5)) / 10
		}
		for _, c := range rateCols {
			var v any
			if rate := rateOf(rr.Rates, c.Key); rate.Value != nil {
				v = float64(int(*rate.Value*1000+0.5)) / 10
			}
			row = append(row, v)
		}
		return row
	}
	rows := [][]any{line(&rep.Total)}
	for _, rr := range rep.Rows {
		rows = append(rows, line(rr))
	}
	name := fmt.Sprintf("fenliu-bulletin-%s-%s.xlsx", period, from.In(loc).Format("20060102"))
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	if err := xlsx.Write(w, xlsx.Sheet{Name: "通报 " + period, Header: header, Rows: rows}); err != nil {
		s.log.Error("xlsx", "err", err)
	}
}

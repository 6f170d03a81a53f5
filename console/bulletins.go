package console

import (
	"fmt"
	"net/http"
	"time"

	"github.com/fenliu/fenliu/app"
)

// lastWholePeriod is the latest period of the kind that has ended by now
// and contains t or comes before it: a bulletin covers whole past periods,
// never days still to come.
func lastWholePeriod(period string, t, now time.Time, loc *time.Location) (from, to time.Time, err error) {
	from, to, err = app.PeriodBounds(period, t, loc)
	for err == nil && to.After(now) {
		from, to, err = app.PeriodBounds(period, from.Add(-time.Hour), loc)
	}
	return from, to, err
}

// bulletins lists the stored bulletins and shows one made on demand for the
// period and date asked (?period=day|week|month&date=2026-11-22): the
// latest whole period of that kind up to the date.
func (s *Server) bulletins(w http.ResponseWriter, r *http.Request, sess *session) {
	period := r.URL.Query().Get("period")
	if period == "" {
		period = "day"
	}
	loc := s.app.Location(r.Context())
	now := s.app.Now()
	date := now.In(loc).AddDate(0, 0, -1)
	asked := false
	if d := r.URL.Query().Get("date"); d != "" {
		if t, err := time.ParseInLocation("2006-01-02", d, loc); err == nil {
			date, asked = t, true
		}
	}
	from, to, err := lastWholePeriod(period, date, now, loc)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	moved := asked && (date.Before(from) || !date.Before(to))
	rep, err := s.app.Bulletin(r.Context(), sess.User, period, from)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if r.URL.Query().Get("format") == "xlsx" {
		s.bulletinXLSX(w, r, rep, period, from, to, loc)
		return
	}
	stored, err := s.app.Bulletins(r.Context(), sess.User, 60)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	p := s.newPage(r, sess, "", "bulletins")
	p.Title = p.T("bul.title")
	if moved {
		p.Flash = p.T("bul.moved")
	}
	min := s.app.RankMinOrders(r.Context())
	ranked, few := splitRanking(s.dashRows(r, p, rep.Rows, 30, app.ByUnit), min)
	p.Data = map[string]any{"Period": period, "Date": from.In(loc).Format("2006-01-02"), "From": from, "To": to.Add(-time.Second),
		"Total": s.dashRows(r, p, []*app.ReportRow{&rep.Total}, 30, "")[0], "Rows": ranked, "Few": few, "MinOrders": min,
		"Cols": rateCols, "Stored": stored}
	s.render(w, r, http.StatusOK, "bulletins", p)
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
		s.bulletinXLSX(w, r, rep, b.Period, b.StartsAt, b.EndsAt, loc)
		return
	}
	p := s.newPage(r, sess, "", "bulletins")
	p.Title = p.T("bul.title")
	min := s.app.RankMinOrders(r.Context())
	ranked, few := splitRanking(s.dashRows(r, p, rep.Rows, 30, app.ByUnit), min)
	p.Data = map[string]any{"Period": b.Period, "Date": b.StartsAt.In(loc).Format("2006-01-02"), "From": b.StartsAt, "To": b.EndsAt.Add(-time.Second),
		"Total": s.dashRows(r, p, []*app.ReportRow{&rep.Total}, 30, "")[0], "Rows": ranked, "Few": few, "MinOrders": min,
		"Cols": rateCols, "StoredID": b.ID}
	if b.Period == "day" {
		// The day's chain head, printed so a copy kept elsewhere anchors the record.
		if c, err := s.app.ChainHead(r.Context(), b.StartsAt.In(loc).Format("2006-01-02")); err == nil && c != nil {
			p.Data.(map[string]any)["ChainHead"] = c
		}
	}
	s.render(w, r, http.StatusOK, "bulletins", p)
}

func (s *Server) bulletinXLSX(w http.ResponseWriter, r *http.Request, rep *app.Report, period string, from, to time.Time, loc *time.Location) {
	lang := langOf(r)
	title := translate(lang, "xlsx.title.bulletin", translate(lang, "bul."+period))
	sheet := rankingSheet(lang, sheetOfPeriod(period), title, from, to.Add(-time.Second), loc, rep, s.app.RankMinOrders(r.Context()))
	s.writeXLSX(w, fmt.Sprintf("fenliu-bulletin-%s-%s.xlsx", period, from.In(loc).Format("20060102")), sheet)
}

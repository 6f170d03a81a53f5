package console

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/metrics"
)

// rateCol is a rate the dashboard shows, with its definition (as
// docs/metrics.md gives it) to show one hover or tap away.
type rateCol struct{ Key, ZH, EN, DefZH, DefEN string }

// Name is the rate's name in lang.
func (c rateCol) Name(lang string) string {
	if lang == "en" {
		return c.EN
	}
	return c.ZH
}

// Def is the rate's definition in lang.
func (c rateCol) Def(lang string) string {
	if lang == "en" {
		return c.DefEN
	}
	return c.DefZH
}

// rateCols are the rates the dashboard shows, in order.
var rateCols = []rateCol{
	{"sign_for", "签收率", "Sign-for", "时限内签收的工单 ÷ 派出的工单", "orders signed within the sign-for limit ÷ orders dispatched"},
	{"feedback", "反馈率", "Feedback", "时限内反馈的工单 ÷ 已到反馈时限的工单", "orders fed back within the limit ÷ orders due for feedback"},
	{"completion", "办结率", "Completion", "办结的工单 ÷ 已到办结时限的工单", "orders closed ÷ orders due for closing"},
	{"on_time_completion", "按时办结率", "On-time completion", "时限内办结的工单 ÷ 已到办结时限的工单", "orders closed within the limit ÷ orders due for closing"},
	{"flow_back", "回流率", "Flow-back", "被退回、重办或再次来电的工单 ÷ 派出的工单", "orders returned, reopened or called in again ÷ orders dispatched"},
	{"complaint", "投诉率", "Complaint", "回访记录投诉的工单 ÷ 派出的工单", "orders whose callback recorded a complaint ÷ orders dispatched"},
	{"satisfaction", "满意率", "Satisfaction", "评价满意或基本满意的回访 ÷ 有评价的回访", "callbacks rated satisfied or basically satisfied ÷ callbacks with a rating"},
	{"diversion", "分流率", "Diversion", "定性为分流或引导的非警务警情 ÷ 已定性的非警务警情", "non-police incidents diverted or redirected ÷ non-police incidents decided"},
	{"repeat", "重复报警率", "Repeat calls", "标记为重复报警的警情 ÷ 警情", "incidents flagged as repeats ÷ incidents"},
}

func rateOf(r metrics.Rates, key string) metrics.Rate {
	return map[string]metrics.Rate{"sign_for": r.SignFor, "feedback": r.Feedback, "completion": r.Completion,
		"on_time_completion": r.OnTimeCompletion, "flow_back": r.FlowBack, "complaint": r.Complaint,
		"satisfaction": r.Satisfaction, "diversion": r.Diversion, "repeat": r.Repeat, "solved": r.Solved,
		"police_dispatch": r.PoliceDispatch, "mediation": r.Mediation, "sign_for_any": r.SignForAny}[key]
}

// cell is one shown number with where its drill-down goes.
type cell struct {
	Text string
	Link string // the orders behind it ("" if not an order rate)
	Num  int
	Den  int
}

type dashRow struct {
	Key, Name string
	Score     string
	Cells     []cell
	Orders    int
}

func pctText(r metrics.Rate) string {
	if r.Value == nil {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", *r.Value*100)
}

func (s *Server) reportQuery(r *http.Request) (app.ReportQuery, int, string) {
	days, _ := strconv.Atoi(r.URL.Query().Get("days"))
	if days <= 0 || days > 366 {
		days = 30
	}
	group := r.URL.Query().Get("group")
	switch group {
	case app.ByUnit, app.ByUnitType, app.ByCategory, app.ByArea, app.ByDay:
	default:
		group = app.ByUnit
	}
	loc := s.app.Location(r.Context())
	from, to := app.LastDays(s.app.Now(), days, loc)
	return app.ReportQuery{From: from, To: to, GroupBy: group, Location: loc}, days, group
}

func (s *Server) dashRows(r *http.Request, p *page, rows []*app.ReportRow, days int, group string) []dashRow {
	out := make([]dashRow, 0, len(rows))
	for _, rr := range rows {
		d := dashRow{Key: rr.Key, Name: rr.Name, Score: "—", Orders: rr.Counts.Dispatched}
		if rr.Score != nil {
			d.Score = fmt.Sprintf("%.1f", *rr.Score)
		}
		for _, c := range rateCols {
			rate := rateOf(rr.Rates, c.Key)
			ce := cell{Text: pctText(rate), Num: rate.Num, Den: rate.Den}
			if _, ok := metrics.RateMembers[c.Key]; ok {
				v := url.Values{"rate": {c.Key}, "part": {"num"}, "days": {strconv.Itoa(days)}, "group": {group}, "key": {rr.Key}}
				ce.Link = "/dashboard/orders?" + v.Encode()
			}
			d.Cells = append(d.Cells, ce)
		}
		out = append(out, d)
	}
	return out
}

// splitRanking keeps apart the rows with fewer orders than min: one order
// signed on time is 100 %, which says nothing about a unit.
func splitRanking(rows []dashRow, min int) (ranked, few []dashRow) {
	for _, r := range rows {
		if r.Orders < min {
			few = append(few, r)
		} else {
			ranked = append(ranked, r)
		}
	}
	return ranked, few
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request, sess *session) {
	q, days, group := s.reportQuery(r)
	q.Daily = true // the trend chart, in the same pass
	rep, err := s.app.Report(r.Context(), sess.User, q)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	p := s.newPage(r, sess, "", "dashboard")
	p.Title = p.T("nav.dashboard")
	// The trend chart: daily sign-for, feedback, completion, satisfaction.
	var xs []string
	series := map[string][]any{}
	for _, d := range rep.Days {
		xs = append(xs, d.Key)
		for _, k := range []string{"sign_for", "feedback", "completion", "satisfaction"} {
			v := rateOf(d.Rates, k)
			if v.Value == nil {
				series[k] = append(series[k], nil)
			} else {
				series[k] = append(series[k], float64(int(*v.Value*1000))/10)
			}
		}
	}
	var ser []map[string]any
	var legend []string
	for _, c := range rateCols[:4] {
		name := c.ZH
		if p.Lang == "en" {
			name = c.EN
		}
		if c.Key == "on_time_completion" {
			continue
		}
		legend = append(legend, name)
		ser = append(ser, map[string]any{"name": name, "type": "line", "data": series[c.Key], "connectNulls": true})
	}
	legend = append(legend, map[bool]string{true: "Satisfaction", false: "满意率"}[p.Lang == "en"])
	ser = append(ser, map[string]any{"name": legend[len(legend)-1], "type": "line", "data": series["satisfaction"], "connectNulls": true})
	chart, _ := json.Marshal(map[string]any{
		"tooltip": map[string]any{"trigger": "axis"}, "legend": map[string]any{"data": legend},
		"grid":  map[string]any{"left": 40, "right": 20, "bottom": 30, "top": 40},
		"xAxis": map[string]any{"type": "category", "data": xs}, "yAxis": map[string]any{"type": "value", "max": 100, "axisLabel": map[string]any{"formatter": "{value}%"}},
		"series": ser,
	})
	total := s.dashRows(r, p, []*app.ReportRow{&rep.Total}, days, "")
	ranked, few := splitRanking(s.dashRows(r, p, rep.Rows, days, group), s.app.RankMinOrders(r.Context()))
	p.Data = map[string]any{"Days": days, "Group": group, "Total": total[0], "Rows": ranked, "Few": few, "MinOrders": s.app.RankMinOrders(r.Context()),
		"Cols": rateCols, "Chart": string(chart), "Groups": []string{app.ByUnit, app.ByUnitType, app.ByCategory, app.ByArea},
		"Counts": rep.Total.Counts, "Rates": rep.Total.Rates}
	s.render(w, r, http.StatusOK, "dashboard", p)
}

func (s *Server) drill(w http.ResponseWriter, r *http.Request, sess *session) {
	q, days, group := s.reportQuery(r)
	key := r.URL.Query().Get("key")
	if key == "" && r.URL.Query().Get("group") == "" {
		q.GroupBy = ""
	}
	rate, part := r.URL.Query().Get("rate"), r.URL.Query().Get("part")
	orders, err := s.app.DrillDownRows(r.Context(), sess.User, q, rate, part, key, 500)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	p := s.newPage(r, sess, "", "dashboard")
	p.Title = p.T("dash.drill")
	name := rate
	for _, c := range rateCols {
		if c.Key == rate {
			name = c.ZH
			if p.Lang == "en" {
				name = c.EN
			}
		}
	}
	other := "den"
	if part == "den" {
		other = "num"
	}
	v := r.URL.Query()
	v.Set("part", other)
	p.Data = map[string]any{"Rate": name, "Part": part, "Key": key, "Group": group, "Days": days, "List": withPage(p, orders), "Other": "/dashboard/orders?" + v.Encode()}
	s.render(w, r, http.StatusOK, "drill", p)
}

// reportXLSX downloads the dashboard's table as an Excel file (sheet 考核):
// one row per group by name with every rate, its numerator and denominator.
func (s *Server) reportXLSX(w http.ResponseWriter, r *http.Request, sess *session) {
	q, days, group := s.reportQuery(r)
	rep, err := s.app.Report(r.Context(), sess.User, q)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	lang := langOf(r)
	title := translate(lang, "xlsx.title.dashboard", translate(lang, "dash.by."+group), translate(lang, "dash.window", days))
	sheet := rankingSheet(lang, "考核", title, q.From, q.To, q.Location, rep, s.app.RankMinOrders(r.Context()))
	s.writeXLSX(w, fmt.Sprintf("fenliu-%s-%dd-%s.xlsx", group, days, s.app.Now().In(q.Location).Format("20060102")), sheet)
}

package console

import (
	"fmt"
	"net/http"
	"time"

	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/xlsx"
)

// rankingSheet is a report as an Excel sheet: a title and its period, a
// frozen header, one row per unit (or group) by name — those ranked first,
// then those with too few orders to rank — with the rates as percentages,
// each followed by its numerator and denominator.
func rankingSheet(lang, sheet, title string, from, to time.Time, loc *time.Location, rep *app.Report, min int) xlsx.Sheet {
	t := func(key string, args ...any) string { return translate(lang, key, args...) }
	s := xlsx.Sheet{Name: sheet, Title: title,
		Notes: []string{t("xlsx.period", from.In(loc).Format("2006-01-02 15:04"), to.In(loc).Format("2006-01-02 15:04")),
			t("xlsx.rank_min", min)},
		Header:  []string{t("xlsx.rank"), t("admin.name"), t("dash.orders"), t("dash.score")},
		Widths:  []float64{6, 30, 8, 9},
		Formats: []string{"", "", "", xlsx.FormatDecimal}}
	for _, c := range rateCols {
		s.Header = append(s.Header, c.Name(lang), c.Name(lang)+" "+t("dash.num"), c.Name(lang)+" "+t("dash.den"))
		s.Widths = append(s.Widths, 11, 9, 9)
		s.Formats = append(s.Formats, xlsx.FormatPercent, "", "")
	}
	line := func(rank any, rr *app.ReportRow) []any {
		row := []any{rank, rr.Name, rr.Counts.Dispatched, nil}
		if rr.Score != nil {
			row[3] = float64(int(*rr.Score*10+0.5)) / 10
		}
		for _, c := range rateCols {
			rate := rateOf(rr.Rates, c.Key)
			var v any
			if rate.Value != nil {
				v = float64(int(*rate.Value*1000+0.5)) / 1000
			}
			row = append(row, v, rate.Num, rate.Den)
		}
		return row
	}
	s.Rows = append(s.Rows, line(t("bul.total"), &rep.Total))
	var few []*app.ReportRow
	n := 0
	for _, rr := range rep.Rows {
		if rr.Counts.Dispatched < min {
			few = append(few, rr)
			continue
		}
		n++
		s.Rows = append(s.Rows, line(n, rr))
	}
	for _, rr := range few {
		s.Rows = append(s.Rows, line(t("xlsx.unranked"), rr))
	}
	return s
}

// writeXLSX sends a workbook as a download.
func (s *Server) writeXLSX(w http.ResponseWriter, name string, sheets ...xlsx.Sheet) {
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, name))
	if err := xlsx.Write(w, sheets...); err != nil {
		s.log.Error("xlsx", "err", err)
	}
}

// sheetOfPeriod is a bulletin's sheet name: 日报, 周报, 月报.
func sheetOfPeriod(period string) string {
	return map[string]string{"day": "日报", "week": "周报", "month": "月报"}[period]
}

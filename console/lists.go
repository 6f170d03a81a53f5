package console

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
)

// orderRow is an order in a list, with the page it is shown on.
type orderRow struct {
	P *page
	app.OrderRow
}

func withPage(p *page, rows []app.OrderRow) []orderRow {
	out := make([]orderRow, 0, len(rows))
	for _, r := range rows {
		out = append(out, orderRow{P: p, OrderRow: r})
	}
	return out
}

// noticeRow is a notice with the name of the unit it is addressed to.
type noticeRow = app.NoticeRow

func pathInt(r *http.Request, name string) (int64, error) {
	v, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || v <= 0 {
		return 0, &fenliu.Error{Code: fenliu.ENotFound, ZH: "编号无效", EN: "invalid id"}
	}
	return v, nil
}

func (s *Server) categoryName(lang, code string) string {
	if c := s.app.Catalog(); c != nil {
		if cat := c.Category(code); cat != nil {
			if lang == "en" {
				return cat.NameEN
			}
			return cat.NameZH
		}
	}
	return code
}

// backTo returns to the form's "back" field if it is on this site, else to
// def; a back page is told what was done (did) to which incident (id), to
// confirm it.
func (s *Server) backTo(w http.ResponseWriter, r *http.Request, def, did string, id int64) {
	if b := safeNext(r.PostFormValue("back")); b != "" {
		def = b
		if did != "" {
			sep := "?"
			if strings.Contains(b, "?") {
				sep = "&"
			}
			def += fmt.Sprintf("%sdid=%s&id=%d", sep, did, id)
		}
	}
	if r.Header.Get("HX-Request") == "true" {
		w.Header().Set("HX-Redirect", def)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	http.Redirect(w, r, def, http.StatusSeeOther)
}

package console

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/catalog"
)

// deskForm is the desk's form as typed, kept when a transfer fails.
type deskFormValues struct {
	Text, Phone, Name, Address string
	AreaID                     int64
	Category, Lead, Assist     string // the corrections, as typed in the pickers
}

// deskDone is the confirmation of the last transfer: the incident, its
// tracking number and the units that got orders.
type deskDone struct {
	In       *fenliu.Incident
	Category string
	Orders   []incidentOrder
}

func (s *Server) desk(w http.ResponseWriter, r *http.Request, sess *session) {
	var done *deskDone
	if id, _ := strconv.ParseInt(r.URL.Query().Get("done"), 10, 64); id > 0 {
		v, err := s.app.Incident(r.Context(), sess.User, id)
		if err != nil {
			s.fail(w, r, sess, err)
			return
		}
		done = &deskDone{In: v.Incident, Category: s.categoryName(langOf(r), v.Incident.Category)}
		for _, o := range v.Orders {
			done.Orders = append(done.Orders, incidentOrder{O: o, Unit: v.Names.Units[o.UnitID]})
		}
	}
	s.renderDesk(w, r, sess, http.StatusOK, deskFormValues{}, done, "")
}

func (s *Server) renderDesk(w http.ResponseWriter, r *http.Request, sess *session, status int, form deskFormValues, done *deskDone, errMsg string) {
	d, err := s.app.Desk(r.Context(), sess.User)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	units, err := s.app.Units(r.Context(), sess.User)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	p := s.newPage(r, sess, "", "desk")
	p.Title = p.T("nav.desk")
	p.Error = errMsg
	var cats []*catalog.Category
	if c := s.app.Catalog(); c != nil {
		cats = c.Categories()
	}
	p.Data = map[string]any{"Areas": d.Areas, "Done": done, "Form": form, "Categories": cats, "Units": units}
	s.render(w, r, status, "desk", p)
}

// segment is a piece of the call text, marked when it decided the triage.
type segment struct {
	Text string
	Mark bool
	Cue  bool
}

// highlight splits text into segments, marking the deciding words and cues.
func highlight(text string, words, cues []string) []segment {
	type span struct {
		a, b int
		cue  bool
	}
	var spans []span
	for _, set := range []struct {
		ws  []string
		cue bool
	}{{cues, true}, {words, false}} {
		for _, w := range set.ws {
			if w == "" {
				continue
			}
			for i := 0; ; {
				j := strings.Index(text[i:], w)
				if j < 0 {
					break
				}
				spans = append(spans, span{i + j, i + j + len(w), set.cue})
				i += j + len(w)
			}
		}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].a < spans[j].a })
	var out []segment
	pos := 0
	for _, sp := range spans {
		if sp.a < pos {
			continue // overlaps a span already marked
		}
		if sp.a > pos {
			out = append(out, segment{Text: text[pos:sp.a]})
		}
		out = append(out, segment{Text: text[sp.a:sp.b], Mark: true, Cue: sp.cue})
		pos = sp.b
	}
	if pos < len(text) {
		out = append(out, segment{Text: text[pos:]})
	}
	return out
}

func (s *Server) deskForm(r *http.Request) (fenliu.IncidentInput, deskFormValues, error) {
	r.Body = http.MaxBytesReader(nil, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return fenliu.IncidentInput{}, deskFormValues{}, &fenliu.Error{Code: fenliu.EInvalid, ZH: "表单无效", EN: "invalid form"}
	}
	in := fenliu.IncidentInput{Channel: fenliu.Channel110, ChannelRef: strings.TrimSpace(r.PostFormValue("ref")),
		Text: r.PostFormValue("text"), Address: r.PostFormValue("address"),
		CallerName: r.PostFormValue("name"), CallerPhone: r.PostFormValue("phone")}
	in.AreaID, _ = strconv.ParseInt(r.PostFormValue("area_id"), 10, 64)
	f := deskFormValues{Text: in.Text, Phone: in.CallerPhone, Name: in.CallerName, Address: in.Address, AreaID: in.AreaID,
		Category: r.PostFormValue("fix_category"), Lead: r.PostFormValue("fix_lead"), Assist: r.PostFormValue("fix_assist")}
	if !utf8.ValidString(in.Text + in.Address + in.CallerName + in.CallerPhone + f.Category + f.Lead + f.Assist) {
		return in, f, &fenliu.Error{Code: fenliu.EInvalid, ZH: "内容不是有效的 UTF-8 文本", EN: "text is not valid UTF-8"}
	}
	return in, f, nil
}

// pickCategory reads the category picker: a category's code, or its name
// in either language as the list shows it. Empty is "".
func (s *Server) pickCategory(v string) (*catalog.Category, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, nil
	}
	if c := s.app.Catalog(); c != nil {
		for _, cat := range c.Categories() {
			if cat.Code == v || cat.NameZH == v || strings.EqualFold(cat.NameEN, v) {
				return cat, nil
			}
		}
	}
	return nil, fenliu.Errorf(fenliu.EUnprocessable, "category", "事项清单中没有「%s」，请从列表中选择", "the catalogue has no category %q; pick one from the list", v)
}

func (s *Server) deskSuggest(w http.ResponseWriter, r *http.Request, sess *session) {
	in, f, err := s.deskForm(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	p := s.newPage(r, sess, "", "desk")
	di := app.DeskInput{Text: in.Text, AreaID: in.AreaID, Phone: strings.TrimSpace(in.CallerPhone), Address: strings.TrimSpace(in.Address)}
	cat, catErr := s.pickCategory(f.Category)
	if cat != nil {
		di.Category = cat.Code
	}
	sug, err := s.app.DeskSuggest(r.Context(), sess.User, di)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	data := map[string]any{"S": sug}
	if catErr != nil {
		data["FixError"] = errorMessage(p.Lang, catErr)
	}
	if sug.Triage != nil {
		data["Segments"] = highlight(strings.TrimSpace(in.Text), sug.Triage.Words, sug.Triage.Cues)
	}
	p.Data = data
	s.fragment(w, r, http.StatusOK, "desk", "suggestion", p)
}

// deskCreate records the call and carries out the call-taker's choice in
// one step (app.Transfer): transfer (as suggested or as corrected: another
// category, another lead unit, other assisting units), police, or redirect;
// or records it only, for the linkage desk to decide. A refused transfer
// shows the desk again with everything as typed.
func (s *Server) deskCreate(w http.ResponseWriter, r *http.Request, sess *session) {
	in, f, err := s.deskForm(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	failed := func(err error) {
		if fenliu.StatusOf(err) >= 500 {
			s.fail(w, r, sess, err)
			return
		}
		s.renderDesk(w, r, sess, fenliu.StatusOf(err), f, nil, errorMessage(langOf(r), err))
	}
	if in.ChannelRef == "" {
		in.ChannelRef = "desk-" + randomToken()[:16]
	}
	ctx := r.Context()
	action := r.PostFormValue("do")
	switch action {
	case "police", "transfer", "redirect":
	default: // record only; the desk decides later
		inc, _, err := s.app.Intake(ctx, sess.User, in)
		if err != nil {
			failed(err)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/incidents/%d", inc.ID), http.StatusSeeOther)
		return
	}
	t := fenliu.TransferInput{Incident: &in, Police: action == "police", Note: translate(langOf(r), "desk.transfer_note"),
		Decision: fenliu.DecisionInput{Disposition: fenliu.Disposition(r.PostFormValue("disposition")),
			Category: r.PostFormValue("category"), Hotline: r.PostFormValue("hotline")}}
	if action != "police" {
		// The call-taker's corrections: the category, the lead, the assisting units.
		cat, err := s.pickCategory(f.Category)
		if err != nil {
			failed(err)
			return
		}
		if cat != nil {
			t.Decision = fenliu.DecisionInput{Disposition: cat.Disposition, Category: cat.Code, Hotline: cat.Hotline}
		}
		units, err := s.app.Units(ctx, sess.User)
		if err != nil {
			s.fail(w, r, sess, err)
			return
		}
		if t.Lead, err = pickUnit(units, "lead", f.Lead); err != nil {
			failed(err)
			return
		}
		assist, err := pickUnits(units, "assist", []string{f.Assist}, t.Lead)
		if err != nil {
			failed(err)
			return
		}
		if len(assist) > 0 {
			if t.Lead == 0 {
				failed(&fenliu.Error{Code: fenliu.EInvalid, Field: "lead", ZH: "指定协办单位时，请同时指定主办单位", EN: "name the lead unit as well as the assisting units"})
				return
			}
			t.Orders = []fenliu.OrderSpec{{UnitID: t.Lead, Role: fenliu.OrderLead}}
			for _, a := range assist {
				t.Orders = append(t.Orders, fenliu.OrderSpec{UnitID: a, Role: fenliu.OrderAssist})
			}
			t.Lead = 0
		}
	}
	if action == "redirect" && t.Decision.Disposition == "" {
		t.Decision.Disposition = fenliu.DispRedirect
	}
	res, err := s.app.Transfer(ctx, sess.User, t)
	if err != nil {
		failed(err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/desk?done=%d", res.Incident.ID), http.StatusSeeOther)
}

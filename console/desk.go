package console

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/fenliu/fenliu"
)

func (s *Server) desk(w http.ResponseWriter, r *http.Request, sess *session) {
	d, err := s.app.Desk(r.Context(), sess.User)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	p := s.newPage(r, sess, "", "desk")
	p.Title = p.T("nav.desk")
	p.Data = map[string]any{"Areas": d.Areas, "Ref": r.URL.Query().Get("done")}
	s.render(w, http.StatusOK, "desk", p)
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

func (s *Server) deskForm(r *http.Request) (fenliu.IncidentInput, error) {
	r.Body = http.MaxBytesReader(nil, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return fenliu.IncidentInput{}, &fenliu.Error{Code: fenliu.EInvalid, ZH: "表单无效", EN: "invalid form"}
	}
	in := fenliu.IncidentInput{Channel: fenliu.Channel110, ChannelRef: strings.TrimSpace(r.PostFormValue("ref")),
		Text: r.PostFormValue("text"), Address: r.PostFormValue("address"),
		CallerName: r.PostFormValue("name"), CallerPhone: r.PostFormValue("phone")}
	in.AreaID, _ = strconv.ParseInt(r.PostFormValue("area_id"), 10, 64)
	if !utf8.ValidString(in.Text + in.Address + in.CallerName + in.CallerPhone) {
		return in, &fenliu.Error{Code: fenliu.EInvalid, ZH: "内容不是有效的 UTF-8 文本", EN: "text is not valid UTF-8"}
	}
	return in, nil
}

func (s *Server) deskSuggest(w http.ResponseWriter, r *http.Request, sess *session) {
	in, err := s.deskForm(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	sug, err := s.app.Suggest(r.Context(), sess.User, in.Text, in.AreaID, strings.TrimSpace(in.CallerPhone), strings.TrimSpace(in.Address))
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	p := s.newPage(r, sess, "", "desk")
	data := map[string]any{"S": sug}
	if sug.Triage != nil {
		data["Segments"] = highlight(strings.TrimSpace(in.Text), sug.Triage.Words, sug.Triage.Cues)
	}
	p.Data = data
	s.fragment(w, http.StatusOK, "desk", "suggestion", p)
}

// deskCreate records the call and carries out the call-taker's choice in
// one step (app.Transfer): transfer (as suggested or as changed), police,
// or redirect; or records it only, for the linkage desk to decide.
func (s *Server) deskCreate(w http.ResponseWriter, r *http.Request, sess *session) {
	in, err := s.deskForm(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
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
			s.fail(w, r, sess, err)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/incidents/%d", inc.ID), http.StatusSeeOther)
		return
	}
	t := fenliu.TransferInput{Incident: &in, Police: action == "police", Note: translate(langOf(r), "desk.transfer_note"),
		Decision: fenliu.DecisionInput{Disposition: fenliu.Disposition(r.PostFormValue("disposition")),
			Category: r.PostFormValue("category"), Hotline: r.PostFormValue("hotline")}}
	t.Lead, _ = strconv.ParseInt(r.PostFormValue("lead"), 10, 64)
	if action == "redirect" && t.Decision.Disposition == "" {
		t.Decision.Disposition = fenliu.DispRedirect
	}
	res, err := s.app.Transfer(ctx, sess.User, t)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/desk?done=%d", res.Incident.ID), http.StatusSeeOther)
}

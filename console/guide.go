package console

import (
	"net/http"
	"strings"
)

// guide is the public page that tells citizens which number to call
// (紧急找110，非紧急找12345), made from the catalogue, phone-first; a problem
// typed in ?q= is answered with the triage engine (emergencies always 110).
func (s *Server) guide(w http.ResponseWriter, r *http.Request) {
	sess := s.currentSession(r)
	p := s.newPage(r, sess, "", "")
	p.Title = p.T("guide.title")
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	lines := s.app.Guide(p.Lang)
	var matches []string
	if q != "" {
		for _, l := range lines {
			for _, m := range l.Matters {
				if strings.Contains(m, q) || strings.Contains(q, m) {
					matches = append(matches, m+" → "+l.Number)
				}
			}
		}
	}
	p.Data = map[string]any{"Q": q, "Answer": s.app.GuideFor(r.Context(), q), "Lines": lines, "Matches": matches}
	s.render(w, r, http.StatusOK, "guide", p)
}

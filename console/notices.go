package console

import (
	"fmt"
	"net/http"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/store"
)

func (s *Server) noticeRoutes(mux *http.ServeMux) {
	mux.Handle("POST /notices/{id}/reply", s.auth(s.noticeReply))
	mux.Handle("POST /orders/{id}/notice", s.auth(s.noticeSend))
}

// noticeRow is a notice with the names it refers to.
type noticeRow struct {
	N    *store.Notice
	Unit string
}

func (s *Server) noticeRows(r *http.Request, sess *session, f store.NoticeFilter) []noticeRow {
	ns, err := s.App.Notices(r.Context(), sess.User, f)
	if err != nil {
		return nil
	}
	units := s.unitNames(r)
	out := make([]noticeRow, 0, len(ns))
	for _, n := range ns {
		out = append(out, noticeRow{N: n, Unit: units[n.UnitID]})
	}
	return out
}

func (s *Server) noticeReply(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathInt(r, "id")
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if err := s.App.ReplyNotice(r.Context(), sess.User, id, r.PostFormValue("reply")); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	s.backTo(w, r, "/inbox")
}

func (s *Server) noticeSend(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathInt(r, "id")
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	due, err := time.ParseInLocation("2006-01-02T15:04", r.PostFormValue("due_at"), s.Opts.Location)
	if err != nil {
		s.fail(w, r, sess, &fenliu.Error{Code: fenliu.EInvalid, Field: "due_at", ZH: "回复期限格式错误", EN: "invalid due time"})
		return
	}
	if _, err := s.App.SendNotice(r.Context(), sess.User, id, fenliu.NoticeKind(r.PostFormValue("kind")), r.PostFormValue("text"), due); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/orders/%d", id), http.StatusSeeOther)
}

package console

import (
	"fmt"
	"net/http"
	"time"

	"github.com/fenliu/fenliu"
)

func (s *Server) noticeReply(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathInt(r, "id")
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if err := s.app.ReplyNotice(r.Context(), sess.User, id, r.PostFormValue("reply")); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	s.backTo(w, r, "/inbox", "", 0)
}

func (s *Server) noticeSend(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathInt(r, "id")
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if err := fenliu.CanSupervise(sess.User); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	due, err := time.ParseInLocation("2006-01-02T15:04", r.PostFormValue("due_at"), s.app.Location(r.Context()))
	if err != nil {
		s.fail(w, r, sess, &fenliu.Error{Code: fenliu.EInvalid, Field: "due_at", ZH: "回复期限格式错误", EN: "invalid due time"})
		return
	}
	if _, err := s.app.SendNotice(r.Context(), sess.User, id, fenliu.NoticeKind(r.PostFormValue("kind")), r.PostFormValue("text"), due); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/orders/%d", id), http.StatusSeeOther)
}

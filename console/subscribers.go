package console

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/fenliu/fenliu"
)

// Linked systems (administrators): the webhook subscribers, each one's
// stream, delivery log and dead letters, and replay.

func (s *Server) subscribers(w http.ResponseWriter, r *http.Request, sess *session) {
	s.renderSubscribers(w, r, sess, "", http.StatusOK)
}

func (s *Server) renderSubscribers(w http.ResponseWriter, r *http.Request, sess *session, secret string, status int) {
	list, err := s.app.Subscribers(r.Context(), sess.User)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	d, err := s.app.AdminDirectory(r.Context(), sess.User)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	p := s.newPage(r, sess, "", "admin")
	p.Title = p.T("sub.title")
	if secret != "" {
		p.Flash = p.T("sub.secret_once")
	}
	p.Data = map[string]any{"Subscribers": list, "Units": d.Units, "Kinds": fenliu.OutboxKinds(), "Secret": secret}
	s.render(w, r, status, "subscribers", p)
}

// subscriberInput reads the form: kinds and units are multiple selects.
func subscriberInput(r *http.Request) fenliu.SubscriberInput {
	r.ParseForm()
	in := fenliu.SubscriberInput{Name: strings.TrimSpace(r.PostFormValue("name")), URL: strings.TrimSpace(r.PostFormValue("url")),
		Secret: strings.TrimSpace(r.PostFormValue("secret")), RetryFor: strings.TrimSpace(r.PostFormValue("retry_for")), Kinds: r.PostForm["kinds"]}
	for _, v := range r.PostForm["unit_ids"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			id = 0 // refused by the input's validation
		}
		in.UnitIDs = append(in.UnitIDs, id)
	}
	return in
}

func (s *Server) createSubscriber(w http.ResponseWriter, r *http.Request, sess *session) {
	sub, err := s.app.CreateSubscriber(r.Context(), sess.User, subscriberInput(r))
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	// The secret is shown once, on this answer; it is not kept in a URL.
	s.renderSubscribers(w, r, sess, sub.Secret, http.StatusCreated)
}

func (s *Server) subscriber(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathInt(r, "id")
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	sub, err := s.app.Subscriber(r.Context(), sess.User, id)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	deliveries, err := s.app.SubscriberDeliveries(r.Context(), sess.User, id, r.URL.Query().Get("failed") == "true", 100)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	dead, err := s.app.DeadLetters(r.Context(), sess.User, id, 100)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	p := s.newPage(r, sess, "", "admin")
	p.Title = sub.Name
	p.Flash = map[string]string{"saved": p.T("admin.saved"), "replay": p.T("sub.replay_asked")}[r.URL.Query().Get("done")]
	p.Data = map[string]any{"S": sub, "Deliveries": deliveries, "Dead": dead, "FailedOnly": r.URL.Query().Get("failed") == "true"}
	s.render(w, r, http.StatusOK, "subscriber", p)
}

// pauseSubscriber pauses or resumes a subscriber's stream (active=true|false).
func (s *Server) pauseSubscriber(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathInt(r, "id")
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	sub, err := s.app.Subscriber(r.Context(), sess.User, id)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	active := r.PostFormValue("active") == "true"
	in := fenliu.SubscriberInput{Name: sub.Name, URL: sub.URL, Kinds: sub.Kinds, UnitIDs: sub.UnitIDs, RetryFor: sub.RetryFor.String(), Active: &active}
	if _, err := s.app.UpdateSubscriber(r.Context(), sess.User, id, in); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, "/admin/subscribers/"+r.PathValue("id")+"?done=saved", http.StatusSeeOther)
}

func (s *Server) deleteSubscriber(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathInt(r, "id")
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if err := s.app.DeleteSubscriber(r.Context(), sess.User, id); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, "/admin/subscribers", http.StatusSeeOther)
}

func (s *Server) replayDeadLetter(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathInt(r, "id")
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	d, err := s.app.ReplayDeadLetter(r.Context(), sess.User, id)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, "/admin/subscribers/"+strconv.FormatInt(d.SubscriberID, 10)+"?done=replay#dead", http.StatusSeeOther)
}

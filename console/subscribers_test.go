package console_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/fenliu/fenliu"
)

// TestSubscribersScreen: an administrator adds a linked system in the
// console, sees its secret once, pauses it, and finds its stream, delivery
// log and dead letters on its page; other roles are refused.
func TestSubscribersScreen(t *testing.T) {
	s := newSite(t)
	c, csrf := s.login("admin", pw("admin"))
	form := url.Values{"csrf": {csrf}, "name": {"12345 平台"}, "url": {"http://127.0.0.1:1/hook"}, "kinds": {"dispatch", "notice"},
		"unit_ids": {itoa(s.ids["A"])}, "retry_for": {"48h"}}
	st, body, _ := s.post(c, "/admin/subscribers", form)
	if st != http.StatusCreated || !strings.Contains(body, "密钥只显示这一次") {
		t.Fatalf("add: %d %s", st, body)
	}
	secret := regexp.MustCompile(`<code class="secret">(whsec_[^<]+)</code>`).FindStringSubmatch(body)
	if secret == nil {
		t.Fatal("no secret shown")
	}
	if _, err := fenliu.WebhookKey(strings.ReplaceAll(secret[1], "&#43;", "+")); err != nil {
		t.Errorf("shown secret %q: %v", secret[1], err)
	}
	st, body = s.get(c, "/admin/subscribers")
	if st != 200 || !strings.Contains(body, "12345 平台") || strings.Contains(body, "whsec_") {
		t.Fatalf("list: %d (the secret must not show again)", st)
	}
	admin := &fenliu.User{ID: 1, Role: fenliu.RoleAdmin}
	list, err := s.a.Subscribers(context.Background(), admin)
	if err != nil || len(list) != 1 {
		t.Fatalf("subscribers: %v %v", list, err)
	}
	sub := list[0]
	if sub.RetryFor.Hours() != 48 || len(sub.Kinds) != 2 || len(sub.UnitIDs) != 1 || sub.UnitIDs[0] != s.ids["A"] {
		t.Errorf("stored %+v", sub)
	}
	st, _, loc := s.post(c, "/admin/subscribers/"+itoa(sub.ID)+"/active", url.Values{"csrf": {csrf}, "active": {"false"}})
	if st != http.StatusSeeOther {
		t.Fatalf("pause: %d", st)
	}
	st, body = s.get(c, loc)
	if st != 200 || !strings.Contains(body, "已暂停") || !strings.Contains(body, "投递记录") || !strings.Contains(body, "死信") {
		t.Fatalf("subscriber page: %d", st)
	}
	if got, _ := s.a.Subscriber(context.Background(), admin, sub.ID); got.Active || got.RetryFor.Hours() != 48 {
		t.Errorf("after pause: %+v", got)
	}
	// A bad URL is a precise error, not a 500.
	form.Set("url", "not a url")
	if st, body, _ := s.post(c, "/admin/subscribers", form); st != http.StatusBadRequest || !strings.Contains(body, "http://") {
		t.Errorf("bad url: %d", st)
	}
	other, _ := s.login("taker", pw("taker"))
	if st, _ := s.get(other, "/admin/subscribers"); st != http.StatusForbidden {
		t.Errorf("a call-taker opens the subscribers: %d", st)
	}
	st, _, _ = s.post(c, "/admin/subscribers/"+itoa(sub.ID)+"/delete", url.Values{"csrf": {csrf}})
	if list, _ := s.a.Subscribers(context.Background(), admin); st != http.StatusSeeOther || len(list) != 0 {
		t.Errorf("delete: %d, %d left", st, len(list))
	}
}

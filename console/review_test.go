package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestDeskReview: a call in the triage engine's doubt band shows the
// call-taker "可能涉警，请核实" and the question to ask; a sure one does not.
func TestDeskReview(t *testing.T) {
	s := newSite(t)
	c, csrf := s.login("taker", pw("taker"))
	suggest := func(text string) string {
		st, body, _ := s.post(c, "/desk/suggest", url.Values{"csrf": {csrf}, "text": {text}})
		if st != http.StatusOK {
			t.Fatalf("suggest %q: %d %s", text, st, body)
		}
		return body
	}
	body := suggest("不是普通的臭味投诉，是隔壁化工厂刚才响了一声，现在一片黄烟往居民区飘")
	if !strings.Contains(body, `id="review"`) || !strings.Contains(body, "可能涉警，请核实") || !strings.Contains(body, "请问来电人") {
		t.Errorf("no review notice for a bang and yellow smoke told as a complaint:\n%s", body)
	}
	if body := suggest("楼下有人拿刀砍人"); strings.Contains(body, `id="review"`) {
		t.Errorf("a sure danger is shown for review:\n%s", body)
	}
}

package fenliu

import (
	"testing"
	"time"
)

// TestSignWebhook: the Standard Webhooks specification's own example.
func TestSignWebhook(t *testing.T) {
	key, err := WebhookKey("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"test": 2432232314}`)
	got := SignWebhook(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Errorf("signature %s, want %s", got, want)
	}
	if !VerifyWebhook(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body, "v1,bm90IGl0 "+got) {
		t.Error("a header listing the right signature among others does not verify")
	}
	if VerifyWebhook(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265331, body, got) {
		t.Error("another timestamp verifies")
	}
	for _, bad := range []string{"", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_!!!", "whsec_c2hvcnQ="} {
		if _, err := WebhookKey(bad); err == nil {
			t.Errorf("secret %q accepted", bad)
		}
	}
	if _, err := WebhookKey(NewWebhookSecret()); err != nil {
		t.Errorf("a new secret is refused: %v", err)
	}
}

func TestRetryBackoff(t *testing.T) {
	first, max := 5*time.Second, time.Hour
	for n, want := range map[int]time.Duration{1: 5 * time.Second, 2: 10 * time.Second, 3: 20 * time.Second, 10: 2560 * time.Second, 11: time.Hour, 500: time.Hour} {
		if got := RetryBackoff(n, first, max); got != want {
			t.Errorf("after attempt %d: %s, want %s", n, got, want)
		}
	}
	// With the defaults, 24 hours are some 30 attempts.
	total, n := time.Duration(0), 0
	for total < DefaultRetryFor {
		n++
		total += RetryBackoff(n, first, max)
	}
	if n < 25 || n > 40 {
		t.Errorf("%d attempts in 24 hours", n)
	}
}

func TestSubscriberWants(t *testing.T) {
	all := &Subscriber{}
	unitSigns := &Subscriber{Kinds: []string{"sign", OutboxNotice}, UnitIDs: []int64{7}}
	for _, c := range []struct {
		e          OutboxEntry
		all, units bool
	}{
		{OutboxEntry{Kind: "intake"}, true, false},
		{OutboxEntry{Kind: "sign", UnitID: 7}, true, true},
		{OutboxEntry{Kind: "sign", UnitID: 8}, true, false},
		{OutboxEntry{Kind: "feedback", UnitID: 7}, true, false},
		{OutboxEntry{Kind: OutboxNotice, UnitID: 7}, true, true},
		{OutboxEntry{Kind: OutboxNotice}, true, false},
	} {
		if got := all.Wants(&c.e); got != c.all {
			t.Errorf("all wants %+v: %v", c.e, got)
		}
		if got := unitSigns.Wants(&c.e); got != c.units {
			t.Errorf("unit 7's signs want %+v: %v", c.e, got)
		}
	}
}

func TestSubscriberInput(t *testing.T) {
	for _, c := range []struct {
		in    SubscriberInput
		field string
	}{
		{SubscriberInput{URL: "http://x/"}, "name"},
		{SubscriberInput{Name: "a", URL: "ftp://x/"}, "url"},
		{SubscriberInput{Name: "a", URL: "/relative"}, "url"},
		{SubscriberInput{Name: "a", URL: "http://x/", Kinds: []string{"explode"}}, "kinds"},
		{SubscriberInput{Name: "a", URL: "http://x/", UnitIDs: []int64{0}}, "unit_ids"},
		{SubscriberInput{Name: "a", URL: "http://x/", RetryFor: "10s"}, "retry_for"},
		{SubscriberInput{Name: "a", URL: "http://x/", RetryFor: "soon"}, "retry_for"},
		{SubscriberInput{Name: "a", URL: "http://x/", Secret: "plain"}, "secret"},
	} {
		err := c.in.Validate(&Subscriber{})
		e, ok := err.(*Error)
		if !ok || e.Field != c.field || e.Code != EInvalid {
			t.Errorf("%+v: %v, want invalid %s", c.in, err, c.field)
		}
	}
	var s Subscriber
	if err := (&SubscriberInput{Name: " 12345 ", URL: "https://12345.example/hook", Kinds: []string{"dispatch", "notice"}}).Validate(&s); err != nil {
		t.Fatal(err)
	}
	if s.Name != "12345" || s.RetryFor != DefaultRetryFor || !s.Active || len(s.UnitIDs) != 0 {
		t.Errorf("filled %+v", s)
	}
}

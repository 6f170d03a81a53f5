package fenliu

import (
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// The outbox: every change another system may care about — each event of
// the record and each notice — is written, in the transaction that makes
// it, as an entry of the outbox. Subscribers receive the entries they want,
// in order, each at its own pace; systems that poll read the same entries as
// the change feed.

// OutboxNotice is the kind of an outbox entry that carries a notice; every
// other entry carries an event and has the event's kind.
const OutboxNotice = "notice"

// OutboxEntry is one entry of the outbox; its JSON form is the body of the
// message sent to subscribers and an item of the change feed. Data is the
// event or the notice as the API shows it.
type OutboxEntry struct {
	ID         int64           `json:"id"`
	At         time.Time       `json:"at"`
	Kind       string          `json:"type"`
	IncidentID int64           `json:"incident_id,omitempty"`
	OrderID    int64           `json:"order_id,omitempty"`
	UnitID     int64           `json:"unit_id,omitempty"` // the order's or the notice's unit
	EventID    int64           `json:"event_id,omitempty"`
	NoticeID   int64           `json:"notice_id,omitempty"`
	Data       json.RawMessage `json:"data"`
}

// Subscriber is another system that receives the outbox as signed webhooks
// (the Standard Webhooks convention): the 12345 platform, a department's
// system, a dashboard.
type Subscriber struct {
	ID       int64         `json:"id"`
	Name     string        `json:"name"`
	URL      string        `json:"url"`
	Secret   string        `json:"secret,omitempty"` // whsec_<base64>; shown once, at creation
	Kinds    []string      `json:"kinds"`            // event kinds and "notice"; empty: all
	UnitIDs  []int64       `json:"unit_ids"`         // only these units' orders and notices; empty: all
	RetryFor time.Duration `json:"-"`                // how long an entry is retried before it is a dead letter
	Active   bool          `json:"active"`

	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`

	// The stream's state.
	DoneID          int64      `json:"done_id"`  // the last outbox entry it is done with
	Attempts        int        `json:"attempts"` // failed attempts at the next entry
	FirstFailedAt   *time.Time `json:"first_failed_at,omitempty"`
	NextAt          *time.Time `json:"next_at,omitempty"`
	LastError       string     `json:"last_error,omitempty"`
	Delivered       int64      `json:"delivered"`
	Failed          int64      `json:"failed"` // failed attempts, all told
	Dead            int64      `json:"dead"`   // entries given up on
	LastDeliveredAt *time.Time `json:"last_delivered_at,omitempty"`
	Pending         int64      `json:"pending"`                     // outbox entries after DoneID (read models only)
	OldestPendingAt *time.Time `json:"oldest_pending_at,omitempty"` // the oldest of them
}

// DefaultRetryFor is how long an entry is retried by default before it goes
// to the dead letters.
const DefaultRetryFor = 24 * time.Hour

// SubscriberInput is what an administrator sets.
type SubscriberInput struct {
	Name     string   `json:"name"`
	URL      string   `json:"url"`
	Secret   string   `json:"secret,omitempty"` // empty: one is made
	Kinds    []string `json:"kinds"`
	UnitIDs  []int64  `json:"unit_ids"`
	RetryFor string   `json:"retry_for,omitempty"` // a Go duration, e.g. "24h"; empty: DefaultRetryFor
	Active   *bool    `json:"active,omitempty"`    // default true
}

// OutboxKinds lists the kinds a subscriber may ask for.
func OutboxKinds() []string {
	out := []string{string(EvIntake), string(EvDecide), string(EvDispatch), string(EvTriage), string(EvNote), string(EvReply), string(EvRetime)}
	for _, a := range Actions {
		out = append(out, string(a))
	}
	for _, k := range []TimerKind{TimerWarnSign, TimerOverSign, TimerWarnArrive, TimerOverArrive, TimerWarnFeedback, TimerOverFeedback,
		TimerWarnClose, TimerOverClose, TimerWarnCallback, TimerOverCallback, TimerEscalate} {
		out = append(out, string(k))
	}
	for _, k := range []NoticeKind{NoticeSupervision, NoticeRectification} {
		if !slices.Contains(out, string(k)) {
			out = append(out, string(k))
		}
	}
	return append(out, OutboxNotice)
}

// Validate checks the input and fills s from it.
func (in *SubscriberInput) Validate(s *Subscriber) error {
	if err := required("name", "名称", in.Name); err != nil {
		return err
	}
	if !webURL(in.URL) {
		return Errorf(EInvalid, "url", "地址必须是 http:// 或 https:// 开头的完整网址，收到「%s」", "url must be a full http:// or https:// address; got %q", in.URL)
	}
	if in.Secret != "" {
		if _, err := WebhookKey(in.Secret); err != nil {
			return err
		}
	}
	known := OutboxKinds()
	for _, k := range in.Kinds {
		if !slices.Contains(known, k) {
			return Errorf(EInvalid, "kinds", "未知的事件类型「%s」", "unknown event kind %q", k)
		}
	}
	for _, id := range in.UnitIDs {
		if id <= 0 {
			return &Error{Code: EInvalid, Field: "unit_ids", ZH: "单位编号必须是正整数", EN: "unit ids must be positive"}
		}
	}
	retry := DefaultRetryFor
	if in.RetryFor != "" {
		d, err := time.ParseDuration(in.RetryFor)
		if err != nil || d < time.Minute || d > 30*24*time.Hour {
			return Errorf(EInvalid, "retry_for", "重试时长必须在 1m 到 720h 之间，收到「%s」", "retry_for must be between 1m and 720h; got %q", in.RetryFor)
		}
		retry = d
	}
	s.Name, s.URL, s.RetryFor = strings.TrimSpace(in.Name), in.URL, retry
	if in.Secret != "" {
		s.Secret = in.Secret
	}
	s.Kinds, s.UnitIDs = nonNil(in.Kinds), nonNil(in.UnitIDs)
	s.Active = in.Active == nil || *in.Active
	return nil
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// Wants reports whether the subscriber receives entry e: its kind is one
// asked for (or none were), and, with a unit filter, it is about one of
// those units' orders or addressed to one of them.
func (s *Subscriber) Wants(e *OutboxEntry) bool {
	if len(s.Kinds) > 0 && !slices.Contains(s.Kinds, e.Kind) {
		return false
	}
	if len(s.UnitIDs) > 0 && (e.UnitID == 0 || !slices.Contains(s.UnitIDs, e.UnitID)) {
		return false
	}
	return true
}

// RetryBackoff is the wait after the n-th failed attempt (n ≥ 1) at an
// entry: first doubled each time, never more than max. With the defaults
// (5 s, 1 h) the waits are 5 s, 10 s, 20 s, … 1 h, 1 h, … for 24 hours.
func RetryBackoff(n int, first, max time.Duration) time.Duration {
	d := first
	for i := 1; i < n && d < max; i++ {
		d *= 2
	}
	return min(d, max)
}

// GivesUp reports whether an entry first failed at firstFailed is a dead
// letter at now.
func (s *Subscriber) GivesUp(firstFailed, now time.Time) bool {
	return now.Sub(firstFailed) >= s.RetryFor
}

// Delivery is one attempt to deliver an entry to a subscriber.
type Delivery struct {
	ID           int64     `json:"id"`
	SubscriberID int64     `json:"subscriber_id"`
	OutboxID     int64     `json:"outbox_id"`
	Attempt      int       `json:"attempt"`
	At           time.Time `json:"at"`
	Status       int       `json:"status"` // the receiver's HTTP status; 0: no answer
	OK           bool      `json:"ok"`
	Error        string    `json:"error,omitempty"`
	TookMS       int64     `json:"took_ms"`
	Replay       bool      `json:"replay"` // a replayed dead letter
}

// DeadLetter is an entry a subscriber did not take within its retry period.
type DeadLetter struct {
	ID            int64      `json:"id"`
	SubscriberID  int64      `json:"subscriber_id"`
	OutboxID      int64      `json:"outbox_id"`
	Kind          string     `json:"type"`
	Attempts      int        `json:"attempts"`
	FirstFailedAt time.Time  `json:"first_failed_at"`
	DeadAt        time.Time  `json:"dead_at"`
	LastError     string     `json:"last_error"`
	ReplayAt      *time.Time `json:"replay_at,omitempty"` // an administrator asked to send it again
	ReplayBy      int64      `json:"replay_by,omitempty"`
	DeliveredAt   *time.Time `json:"delivered_at,omitempty"` // a replay reached it
}

// Body is the message body of an entry: its JSON form, the same bytes at
// every attempt.
func (e *OutboxEntry) Body() []byte {
	b, _ := json.Marshal(e)
	return b
}

// webURL reports whether s is a full http:// or https:// address with a
// host and no spaces or control characters.
func webURL(s string) bool {
	rest, ok := strings.CutPrefix(s, "https://")
	if !ok {
		if rest, ok = strings.CutPrefix(s, "http://"); !ok {
			return false
		}
	}
	host, _, _ := strings.Cut(rest, "/")
	if host == "" || strings.HasPrefix(host, ":") || len(s) > 2000 {
		return false
	}
	for _, c := range s {
		if c <= ' ' || c == 0x7f {
			return false
		}
	}
	return true
}

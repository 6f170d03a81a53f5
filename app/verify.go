package app

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/store"
)

// The tamper-evident record: Verify recomputes every incident's hash chain
// and each stored day head, and checks that the incidents' and orders'
// current state is what their events say. The rates are computed from
// those tables, so an edit there shows as a mismatch with the record.

// Finding is one thing Verify found wrong.
type Finding struct {
	Kind       string `json:"kind"`  // see the Finding* constants
	Table      string `json:"table"` // events, incidents, orders, chain_heads
	ID         int64  `json:"id,omitempty"`
	IncidentID int64  `json:"incident_id,omitempty"`
	Detail     string `json:"detail"`
}

// The kinds of findings.
const (
	FindingEdited      = "edited"       // an event's content (or hash) is not what it was when written
	FindingUnsealed    = "unsealed"     // an event without a hash: written round the store
	FindingBrokenLink  = "broken_link"  // an event does not follow the one before it: one was deleted, inserted or moved
	FindingNoStart     = "no_start"     // an incident's record does not begin with its intake
	FindingNoRecord    = "no_record"    // an incident or order without any event
	FindingState       = "state"        // the table's state is not what the events say
	FindingDayHead     = "day_head"     // a stored day head no longer matches the day's events
	FindingOrphanEvent = "orphan_event" // an event of an incident that does not exist
)

// VerifyReport is what Verify checked and found.
type VerifyReport struct {
	Events    int                `json:"events"`
	Incidents int                `json:"incidents"`
	Orders    int                `json:"orders"`
	Days      []*store.ChainHead `json:"days"` // each day's head, recomputed
	Findings  []Finding          `json:"findings"`
}

// OK reports whether nothing was found.
func (r *VerifyReport) OK() bool { return len(r.Findings) == 0 }

// Verify checks the whole record (an operator's command: no actor).
func (a *App) Verify(ctx context.Context) (*VerifyReport, error) {
	rep := &VerifyReport{Findings: []Finding{}}
	add := func(f Finding) { rep.Findings = append(rep.Findings, f) }
	incs, err := a.db.IncidentStates(ctx)
	if err != nil {
		return nil, err
	}
	orders, err := a.db.OrderStates(ctx)
	if err != nil {
		return nil, err
	}
	rep.Incidents, rep.Orders = len(incs), len(orders)
	known := make(map[int64]bool, len(incs))
	for _, in := range incs {
		known[in.ID] = true
	}
	type said struct {
		disposition, category string
		decided, any          bool
	}
	incSaid := map[int64]*said{}
	type orderSaid struct {
		state string
		unit  int64
		any   bool
	}
	ordSaid := map[int64]*orderSaid{}
	loc := a.Location(ctx)
	days := map[string][]struct {
		id   int64
		hash string
	}{}
	var prev *store.ChainRow
	err = a.db.EachChainRow(ctx, func(r *store.ChainRow) error {
		rep.Events++
		first := prev == nil || prev.IncidentID != r.IncidentID
		if !known[r.IncidentID] && first {
			add(Finding{Kind: FindingOrphanEvent, Table: "events", ID: r.ID, IncidentID: r.IncidentID, Detail: "the incident does not exist"})
		}
		want := ""
		if !first {
			want = prev.Hash
		}
		switch {
		case r.Hash == "":
			add(Finding{Kind: FindingUnsealed, Table: "events", ID: r.ID, IncidentID: r.IncidentID, Detail: "no hash: not written by Fenliu"})
		case r.Compute() != r.Hash:
			add(Finding{Kind: FindingEdited, Table: "events", ID: r.ID, IncidentID: r.IncidentID, Detail: "the content does not match its hash"})
		}
		if r.PrevHash != want {
			detail := "the event before it is missing, or this one was inserted or moved"
			if first {
				detail = "the first event left in the record was not the first written: earlier ones are missing"
			}
			add(Finding{Kind: FindingBrokenLink, Table: "events", ID: r.ID, IncidentID: r.IncidentID, Detail: detail})
		}
		if first && r.Kind != string(fenliu.EvIntake) {
			add(Finding{Kind: FindingNoStart, Table: "events", ID: r.ID, IncidentID: r.IncidentID, Detail: "the record begins with " + r.Kind})
		}
		s := incSaid[r.IncidentID]
		if s == nil {
			s = &said{}
			incSaid[r.IncidentID] = s
		}
		s.any = true
		if r.Kind == string(fenliu.EvDecide) {
			var d struct{ Disposition, Category string }
			json.Unmarshal([]byte(r.Data), &d)
			s.disposition, s.category, s.decided = d.Disposition, d.Category, true
		}
		if r.OrderID != 0 {
			o := ordSaid[r.OrderID]
			if o == nil {
				o = &orderSaid{}
				ordSaid[r.OrderID] = o
			}
			o.any = true
			if r.ToState != "" {
				o.state = r.ToState
			}
			if r.Kind == string(fenliu.EvDispatch) {
				var d struct {
					UnitID int64 `json:"unit_id"`
				}
				json.Unmarshal([]byte(r.Data), &d)
				o.unit = d.UnitID
			}
		}
		day := time.UnixMilli(r.At).In(loc).Format("2006-01-02")
		days[day] = append(days[day], struct {
			id   int64
			hash string
		}{r.ID, r.Hash})
		prev = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, in := range incs {
		s := incSaid[in.ID]
		switch {
		case s == nil:
			add(Finding{Kind: FindingNoRecord, Table: "incidents", ID: in.ID, IncidentID: in.ID, Detail: "no event records this incident"})
		case s.disposition != in.Disposition || (s.decided && s.category != in.Category):
			add(Finding{Kind: FindingState, Table: "incidents", ID: in.ID, IncidentID: in.ID,
				Detail: fmt.Sprintf("the table says %q/%q, the record %q/%q", in.Disposition, in.Category, s.disposition, s.category)})
		}
	}
	for _, o := range orders {
		s := ordSaid[o.ID]
		switch {
		case s == nil:
			add(Finding{Kind: FindingNoRecord, Table: "orders", ID: o.ID, IncidentID: o.IncidentID, Detail: "no event records this order"})
		case s.state != o.State:
			add(Finding{Kind: FindingState, Table: "orders", ID: o.ID, IncidentID: o.IncidentID, Detail: fmt.Sprintf("the table says %s, the record %s", o.State, s.state)})
		case s.unit != 0 && s.unit != o.UnitID:
			add(Finding{Kind: FindingState, Table: "orders", ID: o.ID, IncidentID: o.IncidentID, Detail: fmt.Sprintf("the table says unit %d, the record unit %d", o.UnitID, s.unit)})
		}
	}
	// Day heads: recomputed, and compared with those stored when each day
	// was over.
	names := make([]string, 0, len(days))
	for d := range days {
		names = append(names, d)
	}
	sort.Strings(names)
	computed := map[string]*store.ChainHead{}
	for _, d := range names {
		evs := days[d]
		sort.Slice(evs, func(i, j int) bool { return evs[i].id < evs[j].id })
		hashes := make([]string, len(evs))
		for i, e := range evs {
			hashes[i] = e.hash
		}
		c := &store.ChainHead{Day: d, Head: store.DayHead(d, hashes), Events: len(evs)}
		computed[d] = c
		rep.Days = append(rep.Days, c)
	}
	stored, err := a.db.ChainHeads(ctx)
	if err != nil {
		return nil, err
	}
	for _, s := range stored {
		c := computed[s.Day]
		if c == nil {
			c = &store.ChainHead{Day: s.Day, Head: store.DayHead(s.Day, nil)}
		}
		if c.Head != s.Head {
			add(Finding{Kind: FindingDayHead, Table: "chain_heads", Detail: fmt.Sprintf("%s: stored head %s… over %d events, now %s… over %d", s.Day, s.Head[:12], s.Events, c.Head[:12], c.Events)})
		}
	}
	return rep, nil
}

// SealDay computes and stores the chain head of the day (in the city's
// time zone) that contains t, once; the head is logged, so that a copy
// kept elsewhere can anchor it.
func (a *App) SealDay(ctx context.Context, t time.Time) (*store.ChainHead, error) {
	loc := a.Location(ctx)
	start, end, err := PeriodBounds("day", t, loc)
	if err != nil {
		return nil, err
	}
	day := start.Format("2006-01-02")
	if c, err := a.db.ChainHeadOf(ctx, day); err != nil || c != nil {
		return c, err
	}
	hashes, err := a.db.DayHashes(ctx, start, end)
	if err != nil {
		return nil, err
	}
	c := &store.ChainHead{Day: day, Head: store.DayHead(day, hashes), Events: len(hashes), MadeAt: a.now()}
	var made bool
	if err := a.db.Tx(ctx, func(q *store.Q) error {
		var err error
		made, err = q.SaveChainHead(ctx, c)
		return err
	}); err != nil {
		return nil, err
	}
	if made {
		a.log.Info("chain head", "day", c.Day, "head", c.Head, "events", c.Events)
	}
	return a.db.ChainHeadOf(ctx, day)
}

// ChainHead returns a day's stored chain head (nil if the day is not
// sealed yet).
func (a *App) ChainHead(ctx context.Context, day string) (*store.ChainHead, error) {
	return a.db.ChainHeadOf(ctx, day)
}

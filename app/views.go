package app

import (
	"context"
	"sort"
	"sync"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/store"
)

// Read models: what each screen and endpoint shows, read here and checked
// here — once — with the rules of perm.go.

// canSeeOrder checks the actor may read order o (fenliu.CanSeeOrder).
func (a *App) canSeeOrder(ctx context.Context, q *store.Q, actor *fenliu.User, o *fenliu.Order) error {
	return fenliu.CanSeeOrder(actor, o)
}

// canSeeIncident checks the actor may read an incident: every role but unit
// staff; unit staff only an incident with an order of their unit.
func (a *App) canSeeIncident(ctx context.Context, actor *fenliu.User, inc *fenliu.Incident) error {
	if fenliu.SeesAllUnits(actor) {
		return nil
	}
	orders, err := a.db.OrdersOfIncident(ctx, inc.ID)
	if err != nil {
		return err
	}
	for _, o := range orders {
		if fenliu.CanSeeOrder(actor, o) == nil {
			return nil
		}
	}
	return fenliu.NotFound("警情", "incident", inc.ID)
}

// CanSeeIncident reports whether the actor may read the incident (live
// updates tell each screen only of what it may read).
func (a *App) CanSeeIncident(ctx context.Context, actor *fenliu.User, id int64) error {
	if fenliu.SeesAllUnits(actor) {
		return nil
	}
	return a.canSeeIncidentID(ctx, actor, id)
}

// canSeeIncidentID is canSeeIncident by id.
func (a *App) canSeeIncidentID(ctx context.Context, actor *fenliu.User, id int64) error {
	inc, err := a.db.Incident(ctx, id)
	if err != nil {
		return err
	}
	return a.canSeeIncident(ctx, actor, inc)
}

// Names resolves the ids a screen shows to names.
type Names struct {
	Units map[int64]string `json:"units"`
	Users map[int64]string `json:"users"`
	Areas map[int64]string `json:"areas"`
}

func (a *App) nameMaps(ctx context.Context, users bool) (*Names, error) {
	n := &Names{Users: map[int64]string{}}
	var err error
	if n.Units, n.Areas, err = a.directoryNames(ctx); err != nil {
		return nil, err
	}
	if users {
		all, err := a.db.Users(ctx)
		if err != nil {
			return nil, err
		}
		for _, u := range all {
			n.Users[u.ID] = u.DisplayName
		}
	}
	return n, nil
}

// namesCache keeps the units' and areas' names while the directory version
// (any server's change to areas or units) stays the same: every list screen
// names them, and reading the directory for each was most of an inbox read.
type namesCache struct {
	mu      sync.Mutex
	version string
	units   map[int64]string
	areas   map[int64]string
}

// directoryNames returns the unit and area names, which callers must not change.
func (a *App) directoryNames(ctx context.Context) (units, areas map[int64]string, err error) {
	v, err := a.db.DirectoryVersion(ctx)
	if err != nil {
		return nil, nil, err
	}
	nc := &a.dirNames
	nc.mu.Lock()
	defer nc.mu.Unlock()
	if nc.units != nil && nc.version == v {
		return nc.units, nc.areas, nil
	}
	us, err := a.db.Units(ctx)
	if err != nil {
		return nil, nil, err
	}
	ars, err := a.db.Areas(ctx)
	if err != nil {
		return nil, nil, err
	}
	units, areas = make(map[int64]string, len(us)), make(map[int64]string, len(ars))
	for _, u := range us {
		units[u.ID] = u.Name
	}
	for _, ar := range ars {
		areas[ar.ID] = ar.Name
	}
	nc.version, nc.units, nc.areas = v, units, areas
	return units, areas, nil
}

// IncidentView is an incident with its orders and its whole record.
type IncidentView struct {
	Incident *fenliu.Incident `json:"incident"`
	Orders   []*fenliu.Order  `json:"orders"`
	Events   []*fenliu.Event  `json:"events"`
	Names    *Names           `json:"-"`
	Area     *fenliu.Area     `json:"-"` // the incident's area, for the map
	// Caller: how the actor sees the caller (fenliu.CallerAccessTo); the
	// incident's name and phone are masked unless it is CallerFull.
	Caller fenliu.CallerAccess `json:"caller_access"`
}

// Incident returns the incident with its orders and history. Unit staff see
// only incidents with an order of their unit, and only their unit's orders.
func (a *App) Incident(ctx context.Context, actor *fenliu.User, id int64) (*IncidentView, error) {
	return a.incident(ctx, actor, id, ViaIncident)
}

func (a *App) incident(ctx context.Context, actor *fenliu.User, id int64, via string) (*IncidentView, error) {
	inc, err := a.db.Incident(ctx, id)
	if err != nil {
		return nil, err
	}
	orders, err := a.db.OrdersOfIncident(ctx, id)
	if err != nil {
		return nil, err
	}
	events, err := a.db.Events(ctx, id)
	if err != nil {
		return nil, err
	}
	if !fenliu.SeesAllUnits(actor) {
		mine := map[int64]bool{}
		var kept []*fenliu.Order
		for _, o := range orders {
			if fenliu.CanSeeOrder(actor, o) == nil {
				kept = append(kept, o)
				mine[o.ID] = true
			}
		}
		if len(kept) == 0 {
			return nil, fenliu.NotFound("警情", "incident", id)
		}
		var evs []*fenliu.Event
		for _, e := range events {
			if e.OrderID == 0 || mine[e.OrderID] {
				evs = append(evs, e)
			}
		}
		orders, events = kept, evs
	}
	acc, err := a.shield(ctx, actor, via, inc)
	if err != nil {
		return nil, err
	}
	v := &IncidentView{Incident: inc, Orders: orders, Events: events, Caller: acc[inc.ID]}
	if v.Names, err = a.nameMaps(ctx, true); err != nil {
		return nil, err
	}
	if inc.AreaID != 0 {
		if ar, err := a.db.Area(ctx, inc.AreaID); err == nil {
			v.Area = ar
		}
	}
	return v, nil
}

// Incidents lists incidents; unit staff see only those with their orders.
// A search by phone is for those who see callers in full.
func (a *App) Incidents(ctx context.Context, actor *fenliu.User, f fenliu.IncidentFilter) ([]*fenliu.Incident, error) {
	if !fenliu.SeesAllUnits(actor) {
		f.UnitID = actor.UnitID
	}
	if f.Phone != "" {
		if err := fenliu.CanSearchByPhone(actor); err != nil {
			return nil, err
		}
	}
	list, err := a.db.Incidents(ctx, f)
	if err != nil {
		return nil, err
	}
	if _, err := a.shield(ctx, actor, ViaList, list...); err != nil {
		return nil, err
	}
	return list, nil
}

// Order returns a work order the actor may see.
func (a *App) Order(ctx context.Context, actor *fenliu.User, id int64) (*fenliu.Order, error) {
	o, err := a.db.Order(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := a.canSeeOrder(ctx, &a.db.Q, actor, o); err != nil {
		return nil, err
	}
	return o, nil
}

// Orders lists work orders; unit staff see only their own unit's.
func (a *App) Orders(ctx context.Context, actor *fenliu.User, f fenliu.OrderFilter) ([]*fenliu.Order, error) {
	if !fenliu.SeesAllUnits(actor) {
		if f.UnitID != 0 && f.UnitID != actor.UnitID {
			return []*fenliu.Order{}, nil
		}
		f.UnitID, f.WithEscalated = actor.UnitID, true // and what was escalated to it
	}
	return a.db.Orders(ctx, f)
}

// OrderView is one order as its page shows it: the order, its incident,
// its part of the record, its notices, and what the actor may do now.
type OrderView struct {
	Order     *fenliu.Order
	Incident  *fenliu.Incident
	Events    []*fenliu.Event // the order's and the incident's own
	Notices   []*fenliu.Notice
	Actions   []fenliu.Action // what the actor may do now
	RerouteTo []*fenliu.Unit  // units it may be re-routed to
	Names     *Names
	// Caller: how the actor sees the caller (fenliu.CallerAccessTo).
	Caller    fenliu.CallerAccess
	Supervise bool // the actor may send notices about it
}

// OrderView reads an order's page.
func (a *App) OrderView(ctx context.Context, actor *fenliu.User, id int64) (*OrderView, error) {
	o, err := a.Order(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	iv, err := a.incident(ctx, actor, o.IncidentID, ViaOrder)
	if err != nil {
		return nil, err
	}
	v := &OrderView{Order: o, Incident: iv.Incident, Names: iv.Names, Actions: fenliu.AllowedActions(actor, o),
		Caller: iv.Caller, Supervise: fenliu.CanSupervise(actor) == nil}
	for _, e := range iv.Events {
		if e.OrderID == o.ID || e.OrderID == 0 {
			v.Events = append(v.Events, e)
		}
	}
	if v.Notices, err = a.Notices(ctx, actor, fenliu.NoticeFilter{OrderID: o.ID, Limit: 50}); err != nil {
		return nil, err
	}
	if fenliu.CanAct(actor, fenliu.ActReroute, o) == nil {
		units, err := a.db.Units(ctx)
		if err != nil {
			return nil, err
		}
		for _, u := range units {
			if u.ID != o.UnitID {
				v.RerouteTo = append(v.RerouteTo, u)
			}
		}
	}
	return v, nil
}

// OrderRow is an order in a list, with what the list shows of its incident.
type OrderRow struct {
	O        *fenliu.Order
	Text     string
	Address  string
	Category string
	Unit     string
}

// rows resolves orders into list rows.
func (a *App) rows(ctx context.Context, orders []*fenliu.Order) ([]OrderRow, error) {
	names, err := a.nameMaps(ctx, false)
	if err != nil {
		return nil, err
	}
	incs := map[int64]*fenliu.Incident{}
	out := make([]OrderRow, 0, len(orders))
	for _, o := range orders {
		in, ok := incs[o.IncidentID]
		if !ok {
			if in, err = a.db.Incident(ctx, o.IncidentID); err != nil {
				return nil, err
			}
			incs[o.IncidentID] = in
		}
		out = append(out, OrderRow{O: o, Text: in.Text, Address: in.Address, Category: in.Category, Unit: names.Units[o.UnitID]})
	}
	return out, nil
}

// NoticeRow is a notice with the name of the unit it is addressed to.
type NoticeRow struct {
	N    *fenliu.Notice
	Unit string
}

func (a *App) noticeRows(ctx context.Context, actor *fenliu.User, f fenliu.NoticeFilter) ([]NoticeRow, error) {
	ns, err := a.Notices(ctx, actor, f)
	if err != nil {
		return nil, err
	}
	names, err := a.nameMaps(ctx, false)
	if err != nil {
		return nil, err
	}
	out := make([]NoticeRow, 0, len(ns))
	for _, n := range ns {
		out = append(out, NoticeRow{N: n, Unit: names.Units[n.UnitID]})
	}
	return out, nil
}

// Inbox is a unit's work (本单位工单): new and reopened orders to sign or
// work again, orders being worked, recent others, and the unit's notices.
type Inbox struct {
	UnitName string
	Todo     []OrderRow
	Doing    []OrderRow
	Done     []OrderRow
	// Escalated are other units' orders escalated to this unit (提级盯办),
	// still open: it follows them and may act on them.
	Escalated []OrderRow
	Notices   []NoticeRow
}

// Inbox reads a unit's inbox: unit staff read their own unit's; other
// roles may name a unit (0: every unit).
func (a *App) Inbox(ctx context.Context, actor *fenliu.User, unitID int64) (*Inbox, error) {
	if !fenliu.SeesAllUnits(actor) {
		unitID = actor.UnitID
	}
	// Every open order (however old: the most overdue must not drop off),
	// then the 30 latest others.
	var open []fenliu.OrderState
	for _, st := range fenliu.OrderStates {
		if st.Open() {
			open = append(open, st)
		}
	}
	orders, err := a.Orders(ctx, actor, fenliu.OrderFilter{Limit: fenliu.MaxPage, UnitID: unitID, WithEscalated: unitID != 0, States: open})
	if err != nil {
		return nil, err
	}
	var ended []fenliu.OrderState
	for _, st := range fenliu.OrderStates {
		if !st.Open() {
			ended = append(ended, st)
		}
	}
	recent, err := a.Orders(ctx, actor, fenliu.OrderFilter{Limit: 30, UnitID: unitID, States: ended})
	if err != nil {
		return nil, err
	}
	orders = append(orders, recent...)
	var todo, doing, done, escalated []*fenliu.Order
	for _, o := range orders {
		if unitID != 0 && o.UnitID != unitID {
			if o.State.Open() {
				escalated = append(escalated, o)
			}
			continue
		}
		switch o.State {
		case fenliu.StateDispatched, fenliu.StateReopened:
			todo = append(todo, o)
		case fenliu.StateSigned, fenliu.StateArrived:
			doing = append(doing, o)
		default:
			if len(done) < 30 {
				done = append(done, o)
			}
		}
	}
	in := &Inbox{}
	if in.Todo, err = a.rows(ctx, todo); err != nil {
		return nil, err
	}
	if in.Doing, err = a.rows(ctx, doing); err != nil {
		return nil, err
	}
	if in.Done, err = a.rows(ctx, done); err != nil {
		return nil, err
	}
	if in.Escalated, err = a.rows(ctx, escalated); err != nil {
		return nil, err
	}
	if actor.UnitID != 0 {
		if u, err := a.db.Unit(ctx, actor.UnitID); err == nil {
			in.UnitName = u.Name
		}
	}
	if in.Notices, err = a.noticeRows(ctx, actor, fenliu.NoticeFilter{UnitID: actor.UnitID, Limit: 20}); err != nil {
		return nil, err
	}
	return in, nil
}

// StateCount is how many orders are in a state.
type StateCount struct {
	State fenliu.OrderState
	N     int
}

// SupervisionBoard is the supervisor's screen (督办): overdue orders, orders
// past a warning point, the count of orders in each state, recent notices.
type SupervisionBoard struct {
	Overdue []OrderRow
	Soon    []OrderRow
	Counts  []StateCount
	Notices []NoticeRow
}

// SupervisionBoard reads the board; overdue and near-the-limit are the
// domain's (fenliu.Overdue, fenliu.NearDue), kept with each order.
func (a *App) SupervisionBoard(ctx context.Context, actor *fenliu.User) (*SupervisionBoard, error) {
	if err := fenliu.CanSupervise(actor); err != nil {
		return nil, err
	}
	now := a.now()
	overdue, err := a.db.OrdersWatched(ctx, now, true, 0, 200)
	if err != nil {
		return nil, err
	}
	soon, err := a.db.OrdersWatched(ctx, now, false, 0, 200)
	if err != nil {
		return nil, err
	}
	b := &SupervisionBoard{}
	if b.Overdue, err = a.rows(ctx, overdue); err != nil {
		return nil, err
	}
	if b.Soon, err = a.rows(ctx, soon); err != nil {
		return nil, err
	}
	counts, err := a.db.StateCounts(ctx)
	if err != nil {
		return nil, err
	}
	for _, st := range fenliu.OrderStates {
		b.Counts = append(b.Counts, StateCount{st, counts[st]})
	}
	if b.Notices, err = a.noticeRows(ctx, actor, fenliu.NoticeFilter{Limit: 30}); err != nil {
		return nil, err
	}
	return b, nil
}

// CallbackItem is a closed order waiting for its callback.
type CallbackItem struct {
	O     *fenliu.Order
	In    *fenliu.Incident
	Unit  string
	Phone string     // masked unless the actor sees callers in full (fenliu.CallerAccessTo)
	Due   *time.Time // the callback's own limit
}

// CallbackQueue is the callback staff's work (回访): closed orders, the
// most urgent first, and the rating scale.
type CallbackQueue struct {
	Items  []CallbackItem
	Levels []fenliu.Satisfaction
}

// CallbackQueue reads the callbacks waiting to be made — one per incident
// whose work is done (fenliu.CallbackOrders), or one per order where the
// city calls back each — the most urgent first.
func (a *App) CallbackQueue(ctx context.Context, actor *fenliu.User) (*CallbackQueue, error) {
	if err := fenliu.CanCallBack(actor); err != nil {
		return nil, err
	}
	orders, err := a.db.CallbacksDue(ctx, fenliu.MaxPage)
	if err != nil {
		return nil, err
	}
	names, err := a.nameMaps(ctx, false)
	if err != nil {
		return nil, err
	}
	out := &CallbackQueue{Levels: a.CallbackLevels(ctx)}
	for _, o := range orders {
		in, err := a.db.Incident(ctx, o.IncidentID)
		if err != nil {
			return nil, err
		}
		if _, err := a.shield(ctx, actor, ViaCallback, in); err != nil {
			return nil, err
		}
		it := CallbackItem{O: o, In: in, Unit: names.Units[o.UnitID], Due: o.CallbackDue, Phone: in.CallerPhone}
		out.Items = append(out.Items, it)
	}
	// Due first; those without a limit last, oldest closed first.
	sort.SliceStable(out.Items, func(i, j int) bool {
		di, dj := out.Items[i].Due, out.Items[j].Due
		if di != nil && dj != nil && !di.Equal(*dj) {
			return di.Before(*dj)
		}
		if (di == nil) != (dj == nil) {
			return di != nil
		}
		ci, cj := out.Items[i].O.ClosedAt, out.Items[j].O.ClosedAt
		return ci != nil && (cj == nil || ci.Before(*cj))
	})
	return out, nil
}

// DeskQueue is the linkage desk's work: incidents to decide or dispatch, and
// orders returned by units waiting to be re-routed.
type DeskQueue struct {
	Undecided    []*fenliu.Incident
	Undispatched []*fenliu.Incident
	Returned     []OrderRow
	// ToPassOn are orders routing gave the desk or the duty room (desk_first,
	// duty_room), to pass on to the units it suggested (DispatchSuggested).
	ToPassOn []OrderRow
	Units    []*fenliu.Unit
}

// DeskQueue reads the linkage desk's queue.
func (a *App) DeskQueue(ctx context.Context, actor *fenliu.User) (*DeskQueue, error) {
	if err := fenliu.CanDecide(actor); err != nil {
		return nil, err
	}
	var q DeskQueue
	var err error
	if q.Undecided, err = a.db.IncidentsWaiting(ctx, false, 100); err != nil {
		return nil, err
	}
	if q.Undispatched, err = a.db.IncidentsWaiting(ctx, true, 100); err != nil {
		return nil, err
	}
	mask(q.Undecided...) // the queue shows no callers
	mask(q.Undispatched...)
	returned, err := a.db.Orders(ctx, fenliu.OrderFilter{States: []fenliu.OrderState{fenliu.StateReturned}, Limit: 100})
	if err != nil {
		return nil, err
	}
	if faultDropReturned {
		returned = nil
	}
	if q.Returned, err = a.rows(ctx, returned); err != nil {
		return nil, err
	}
	s, err := a.settings(ctx)
	if err != nil {
		return nil, err
	}
	var pass []*fenliu.Order
	for _, hub := range []int64{s.int(SettingDeskUnit), s.int(SettingDutyRoomUnit)} {
		if hub == 0 {
			continue
		}
		os, err := a.db.Orders(ctx, fenliu.OrderFilter{UnitID: hub, States: fenliu.StatesAwaitingSign, Limit: fenliu.MaxPage})
		if err != nil {
			return nil, err
		}
		for _, o := range os {
			inc, err := a.db.Incident(ctx, o.IncidentID)
			if err != nil {
				return nil, err
			}
			orders, err := a.db.OrdersOfIncident(ctx, o.IncidentID)
			if err != nil {
				return nil, err
			}
			if plan := fenliu.PlanPassOn(routeOf(inc), orders, s.int(SettingDeskUnit), s.int(SettingDutyRoomUnit)); !plan.Empty() {
				pass = append(pass, o)
			}
		}
	}
	if q.ToPassOn, err = a.rows(ctx, pass); err != nil {
		return nil, err
	}
	if q.Units, err = a.db.Units(ctx); err != nil {
		return nil, err
	}
	return &q, nil
}

// DrillDownRows is DrillDown as list rows (the dashboard's drill-down page).
func (a *App) DrillDownRows(ctx context.Context, actor *fenliu.User, q ReportQuery, rate, part, key string, limit int) ([]OrderRow, error) {
	orders, err := a.DrillDown(ctx, actor, q, rate, part, key, limit)
	if err != nil {
		return nil, err
	}
	return a.rows(ctx, orders)
}

// Desk is what the call-taker's desk shows beside the form: the areas to
// place the call in.
type Desk struct {
	Areas []*fenliu.Area
}

// Desk reads the call-taker's desk (for those who record and decide calls).
func (a *App) Desk(ctx context.Context, actor *fenliu.User) (*Desk, error) {
	if err := fenliu.CanIntake(actor); err != nil {
		return nil, err
	}
	if err := fenliu.CanDecide(actor); err != nil {
		return nil, err
	}
	areas, err := a.db.Areas(ctx)
	if err != nil {
		return nil, err
	}
	return &Desk{Areas: areas}, nil
}

// VerificationQueue lists the orders fed back and waiting for the
// dispatcher to verify and close them (核准办结) or send them back (重办),
// the longest waiting first.
func (a *App) VerificationQueue(ctx context.Context, actor *fenliu.User) ([]OrderRow, error) {
	if err := fenliu.CanAct(actor, fenliu.ActVerify, &fenliu.Order{}); err != nil {
		return nil, err
	}
	orders, err := a.db.Orders(ctx, fenliu.OrderFilter{States: fenliu.StatesAwaitingVerify, Limit: fenliu.MaxPage})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(orders, func(i, j int) bool {
		fi, fj := orders[i].FeedbackAt, orders[j].FeedbackAt
		if fi == nil || fj == nil {
			return fi != nil
		}
		return fi.Before(*fj)
	})
	return a.rows(ctx, orders)
}

// Record reads the whole record in order: up to n events after the event
// id after (0: from the start). For those who audit it: supervisors,
// leaders and admins.
func (a *App) Record(ctx context.Context, actor *fenliu.User, after int64, n int) ([]*fenliu.Event, error) {
	if err := fenliu.CanSupervise(actor); err != nil {
		return nil, err
	}
	if n <= 0 || n > 10000 {
		n = 1000
	}
	return a.db.EventsAfter(ctx, after, n)
}

// OrderRows is Orders as list rows (a supervisor's list of the orders in a
// state, of a unit).
func (a *App) OrderRows(ctx context.Context, actor *fenliu.User, f fenliu.OrderFilter) ([]OrderRow, error) {
	orders, err := a.Orders(ctx, actor, f)
	if err != nil {
		return nil, err
	}
	return a.rows(ctx, orders)
}

package fenliu

import "time"

// OrderState is where a work order stands in its lifecycle.
type OrderState string

const (
	StateDispatched OrderState = "dispatched" // 已派单, waiting to be signed for
	StateSigned     OrderState = "signed"     // 已签收
	StateArrived    OrderState = "arrived"    // 已到达
	StateFedBack    OrderState = "fed_back"   // 已反馈, waiting for verification
	StateClosed     OrderState = "closed"     // 已办结, waiting for the callback
	StateVisited    OrderState = "visited"    // 已回访 (done; a complaint may reopen it)
	StateReopened   OrderState = "reopened"   // 重办: the unit must feed back again
	StateReturned   OrderState = "returned"   // 已退回: waiting to be re-routed or cancelled
	StateRerouted   OrderState = "rerouted"   // 已改派 (final; a new order carries on)
	StateCancelled  OrderState = "cancelled"  // 已撤销 (final)
)

// OrderStates lists every state in lifecycle order.
var OrderStates = []OrderState{StateDispatched, StateSigned, StateArrived, StateFedBack, StateClosed,
	StateVisited, StateReopened, StateReturned, StateRerouted, StateCancelled}

// Valid reports whether s is a known state.
func (s OrderState) Valid() bool {
	for _, x := range OrderStates {
		if x == s {
			return true
		}
	}
	return false
}

// Final reports whether no action can change an order in state s. A visited
// order is done but may still be reopened after a complaint.
func (s OrderState) Final() bool {
	return s == StateRerouted || s == StateCancelled
}

// Open reports whether the order still waits on its unit or the dispatcher
// (not yet closed or ended).
func (s OrderState) Open() bool {
	switch s {
	case StateDispatched, StateSigned, StateArrived, StateFedBack, StateReopened, StateReturned:
		return true
	}
	return false
}

// Action is something a person does to a work order.
type Action string

const (
	ActSign     Action = "sign"     // 签收 (unit)
	ActArrive   Action = "arrive"   // 到达 (unit)
	ActFeedback Action = "feedback" // 反馈 (unit)
	ActVerify   Action = "verify"   // 核准办结 (dispatcher)
	ActReopen   Action = "reopen"   // 重办 (dispatcher, supervisor)
	ActReturn   Action = "return"   // 退回 (unit)
	ActReroute  Action = "reroute"  // 改派 / 回流再派 (dispatcher)
	ActCancel   Action = "cancel"   // 撤销 (dispatcher)
	ActCallback Action = "callback" // 回访 (callback staff)
	// ActReject refuses a unit's return (驳回退单): the order goes back to
	// the same unit, with the dispatcher's reason and fresh limits.
	ActReject Action = "reject"
	// ActHandDown passes an order down to a subordinate unit (下派): the
	// order ends, and the unit below gets one with its own limits.
	ActHandDown Action = "hand_down"
)

// Actions lists every order action.
var Actions = []Action{ActSign, ActArrive, ActFeedback, ActVerify, ActReopen, ActReturn, ActReroute, ActCancel, ActCallback, ActReject, ActHandDown}

// MaxCallbackAttempts is how many times a callback may fail to reach the
// caller before the order is done without a rating (无法联系).
const MaxCallbackAttempts = 3

// Valid reports whether a is a known action.
func (a Action) Valid() bool {
	for _, x := range Actions {
		if x == a {
			return true
		}
	}
	return false
}

// transitions is the order state machine: for each action, the states it may
// start from and the state it leads to. A callback's outcome decides its
// target (see CallbackOutcome), so it is listed with StateVisited here.
var transitions = map[Action]struct {
	from []OrderState
	to   OrderState
}{
	ActSign:     {[]OrderState{StateDispatched}, StateSigned},
	ActArrive:   {[]OrderState{StateSigned, StateReopened}, StateArrived},
	ActFeedback: {[]OrderState{StateSigned, StateArrived, StateReopened}, StateFedBack},
	ActVerify:   {[]OrderState{StateFedBack}, StateClosed},
	ActReopen:   {[]OrderState{StateFedBack, StateClosed, StateVisited}, StateReopened},
	ActReturn:   {[]OrderState{StateDispatched, StateSigned}, StateReturned},
	// 改派: a returned order to the right unit, or — when the decision
	// changes, or a desk passes on what routing gave it — an order not yet
	// fed back.
	ActReroute:  {[]OrderState{StateReturned, StateDispatched, StateSigned, StateArrived, StateReopened}, StateRerouted},
	ActCancel:   {[]OrderState{StateDispatched, StateSigned, StateArrived, StateFedBack, StateReopened, StateReturned}, StateCancelled},
	ActCallback: {[]OrderState{StateClosed}, StateVisited},
	ActReject:   {[]OrderState{StateReturned}, StateDispatched},
	ActHandDown: {[]OrderState{StateDispatched, StateSigned}, StateRerouted},
}

// Transition returns the state an order in state from reaches by action a,
// or an ErrInvalidTransition error naming both.
func Transition(from OrderState, a Action) (OrderState, error) {
	t, ok := transitions[a]
	if !ok {
		return "", Errorf(EInvalid, "action", "未知的操作：%s", "unknown action: %s", a)
	}
	for _, s := range t.from {
		if s == from {
			return t.to, nil
		}
	}
	return "", &Error{Code: EInvalidTransition, Field: "action",
		ZH: "工单当前状态为「" + from.ZH() + "」，不能执行「" + a.ZH() + "」",
		EN: "cannot " + string(a) + " an order in state " + string(from)}
}

// NeedsNote reports whether the action must carry a reason or text.
func NeedsNote(a Action) bool {
	switch a {
	case ActFeedback, ActReopen, ActReturn, ActReroute, ActCancel, ActReject, ActHandDown:
		return true
	}
	return false
}

// CallbackReopens reports whether a callback result sends the order back to
// its unit (回流): the matter is unsolved or the caller is unsatisfied.
func CallbackReopens(solved bool, s Satisfaction) bool {
	return !solved || !s.Content()
}

// ZH is the state's Chinese label.
func (s OrderState) ZH() string {
	switch s {
	case StateDispatched:
		return "待签收"
	case StateSigned:
		return "已签收"
	case StateArrived:
		return "已到达"
	case StateFedBack:
		return "已反馈待核准"
	case StateClosed:
		return "已办结待回访"
	case StateVisited:
		return "已回访"
	case StateReopened:
		return "重办中"
	case StateReturned:
		return "已退回"
	case StateRerouted:
		return "已改派"
	case StateCancelled:
		return "已撤销"
	}
	return string(s)
}

// ZH is the action's Chinese label.
func (a Action) ZH() string {
	switch a {
	case ActSign:
		return "签收"
	case ActArrive:
		return "到达"
	case ActFeedback:
		return "反馈"
	case ActVerify:
		return "核准办结"
	case ActReopen:
		return "重办"
	case ActReturn:
		return "退回"
	case ActReroute:
		return "改派"
	case ActCancel:
		return "撤销"
	case ActCallback:
		return "回访"
	case ActReject:
		return "驳回退单"
	case ActHandDown:
		return "下派"
	}
	return string(a)
}

// Apply performs action a on order o at time now: it checks the transition,
// sets the state and the fields the action records, and returns the event
// describing the change (without IDs or actor). Reroute only ends this
// order; the service creates the new one.
func Apply(o *Order, a Action, in ActionInput, now time.Time) (*Event, error) {
	to, err := Transition(o.State, a)
	if err != nil {
		return nil, err
	}
	ev := &Event{IncidentID: o.IncidentID, OrderID: o.ID, At: now, Kind: EventKind(a), FromState: o.State,
		Note: in.Note, Attachments: in.Attachments}
	switch a {
	case ActSign:
		o.SignedAt = &now
	case ActArrive:
		o.ArrivedAt = &now
		if in.Lat != nil {
			ev.Data = map[string]any{"lat": *in.Lat, "lng": *in.Lng}
		}
	case ActFeedback:
		o.FeedbackAt = &now
		o.Feedback = in.Note
	case ActVerify:
		o.ClosedAt = &now
	case ActReopen:
		o.Reopens++
		o.ClosedAt, o.CallbackDue = nil, nil
	case ActReturn:
		o.Returns++
	case ActReroute, ActHandDown:
		ev.Data = map[string]any{"to_unit": in.UnitID}
	case ActReject:
		ev.Data = map[string]any{"returns": o.Returns}
	case ActCallback:
		if in.Unreachable {
			// 未接通: tried again later; after MaxCallbackAttempts the order
			// is done without a rating (无法联系).
			o.CallbackAttempts++
			ev.Data = map[string]any{"unreachable": true, "attempts": o.CallbackAttempts}
			if o.CallbackAttempts < MaxCallbackAttempts {
				to = StateClosed
			} else {
				o.CallbackAt = &now
				ev.Data["gave_up"] = true
			}
			break
		}
		o.CallbackAt = &now
		solved := *in.Solved
		o.Solved = &solved
		o.Satisfaction = in.Satisfaction
		ev.Data = map[string]any{"solved": solved, "satisfaction": string(in.Satisfaction), "complaint": in.Complaint}
		if in.Complaint {
			o.Complaint = true
		}
		if CallbackReopens(solved, in.Satisfaction) {
			// 回流: the caller is not served; the unit must handle it again.
			to = StateReopened
			o.Reopens++
			o.ClosedAt, o.CallbackDue = nil, nil
			ev.Data["reopened"] = true
		}
	}
	o.State = to
	o.UpdatedAt = now
	ev.ToState = to
	if ev.Attachments == nil {
		ev.Attachments = []Attachment{}
	}
	return ev, nil
}

// CanDispatch reports whether an incident may get work orders: it must be
// decided, and not redirected to another hotline.
func CanDispatch(inc *Incident) error {
	switch inc.Disposition {
	case "":
		return &Error{Code: EUnprocessable, Field: "disposition", ZH: "警情尚未定性，不能派单", EN: "the incident is not decided yet; decide it before dispatching"}
	case DispRedirect:
		return &Error{Code: EUnprocessable, Field: "disposition", ZH: "已引导至其他热线的警情不能派单", EN: "a redirected incident gets no work orders"}
	}
	return nil
}

// CheckNewOrders checks new orders against an incident's existing ones: a
// unit with an open order gets no second one, and there is one open lead.
func CheckNewOrders(existing []*Order, specs []OrderSpec) error {
	open := map[int64]bool{}
	lead := false
	for _, o := range existing {
		if o.State.Final() {
			continue
		}
		open[o.UnitID] = true
		if o.Role == OrderLead {
			lead = true
		}
	}
	for _, s := range specs {
		if open[s.UnitID] {
			return Errorf(EUnprocessable, "orders.unit_id", "单位 %d 已有该警情的工单", "unit %d already has an order for this incident", s.UnitID)
		}
		if s.Role == OrderLead && lead {
			return &Error{Code: EUnprocessable, Field: "orders.role", ZH: "该警情已有主办单位", EN: "the incident already has a lead unit"}
		}
	}
	return nil
}

// CallbackOrders picks, among an incident's orders, those the callback team
// calls the citizen back on: none while any order is still open (the work
// is not done); then one call per incident — on the lead order if it is
// closed, else on the first closed one — its outcome recorded on every
// closed order; or, where the city calls back each order (perOrder), every
// closed order.
func CallbackOrders(orders []*Order, perOrder bool) []*Order {
	var closed []*Order
	for _, o := range orders {
		if o.State.Open() {
			return nil
		}
		if o.State == StateClosed {
			closed = append(closed, o)
		}
	}
	if perOrder || len(closed) <= 1 {
		return closed
	}
	for _, o := range closed {
		if o.Role == OrderLead {
			return []*Order{o}
		}
	}
	return closed[:1]
}

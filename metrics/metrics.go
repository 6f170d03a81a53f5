// Package metrics defines, once, the rates units are assessed and ranked
// by (签收率, 分流率, 反馈率, 办结率, 回流率, 投诉率, 满意率 …). It is pure:
// Tally folds per-order and per-incident facts into counts, Compute turns
// counts into rates. docs/metrics.md states each formula in words.
package metrics

import (
	"math"
	"sort"
	"time"

	"github.com/fenliu/fenliu"
)

// OrderFact is what the rates need to know about one work order, as of the
// time the report is made.
type OrderFact struct {
	Order        *fenliu.Order
	UnitType     fenliu.UnitType
	RepeatCalled bool      // the incident was called in again (a later incident is a repeat of it)
	ReceivedAt   time.Time // when the incident came in (for the partner-engaged time)
}

// IncidentFact is what the rates need to know about one incident.
type IncidentFact struct {
	Disposition fenliu.Disposition // as decided ("" if not yet)
	NonPolice   bool               // the matter is not police work (by its catalogue category)
	Repeat      bool               // it repeats an earlier call
	ReceivedAt  time.Time
	// FirstDispatch is when its first order was dispatched (nil: none yet).
	FirstDispatch *time.Time
}

// Counts are the numerators and denominators of every rate.
type Counts struct {
	Incidents          int `json:"incidents"`
	Repeats            int `json:"repeats"`
	NonPolice          int `json:"non_police"`
	NonPoliceDiverted  int `json:"non_police_diverted"` // divert or redirect
	NonPolicePoliced   int `json:"non_police_policed"`  // still answered with officers
	Dispatched         int `json:"dispatched"`
	Signed             int `json:"signed"`
	SignedOnTime       int `json:"signed_on_time"`
	FeedbackDue        int `json:"feedback_due"`
	FedBackOnTime      int `json:"fed_back_on_time"`
	CloseDue           int `json:"close_due"`
	Closed             int `json:"closed"`
	ClosedOnTime       int `json:"closed_on_time"`
	FlowBack           int `json:"flow_back"`
	Complaints         int `json:"complaints"`
	Rated              int `json:"rated"`
	Satisfied          int `json:"satisfied"` // satisfied + basically satisfied
	CalledBack         int `json:"called_back"`
	Solved             int `json:"solved"`
	MediationCalled    int `json:"mediation_called_back"`
	MediationSucceeded int `json:"mediation_succeeded"`
	OneContact         int `json:"one_contact"`     // called back solved, never returned, reopened or called in again
	Arrived            int `json:"arrived"`         // orders whose unit reported arriving
	ArrivedOnTime      int `json:"arrived_on_time"` // … within the arrival limit
	PartnerOrders      int `json:"partner_orders"`  // orders of green-channel partner teams
	PartnerEngaged     int `json:"partner_engaged"` // … the partner signed for

	sign, feedback, close durations
	// arrive: dispatch → arrival; dispatch: intake → first dispatch (per
	// incident); partner: intake → the partner team signing.
	arrive, dispatch, partner durations
	// Pending flips (unix ms) of orders whose feedback or close limit had
	// not yet passed when they were counted: see AddOrderPending and Settle.
	fbFlips, clFlips []int64
}

// Member says which numerators and denominators one order belongs to, as
// of the time of the report. It is the single definition AddOrder counts
// with and the dashboard's drill-down filters by.
type Member struct {
	Assessed, Signed, SignedOnTime, FeedbackDue, FedBackOnTime bool
	CloseDue, Closed, ClosedOnTime, FlowBack, Complaint        bool
	Rated, Satisfied, CalledBack, Solved, MediationCalled      bool
	MediationSucceeded, OneContact, Arrived, ArrivedOnTime     bool
	Partner, PartnerEngaged                                    bool
}

// Membership classifies one order. An order is "due" for feedback once its
// feedback limit has passed or it has fed back, and likewise for closing.
func Membership(f OrderFact, asOf time.Time) Member {
	o := f.Order
	var m Member
	if o.State == fenliu.StateCancelled {
		return m // a cancelled order is not assessed
	}
	m.Assessed = true
	if o.SignedAt != nil {
		m.Signed = true
		m.SignedOnTime = o.SignDue == nil || !o.SignedAt.After(*o.SignDue)
	}
	m.FlowBack = o.Returns > 0 || o.Reopens > 0 || f.RepeatCalled || o.State == fenliu.StateRerouted
	m.Complaint = o.Complaint
	if o.Solved != nil {
		m.CalledBack, m.Solved = true, *o.Solved
		if f.UnitType == fenliu.UTMediation {
			m.MediationCalled, m.MediationSucceeded = true, *o.Solved
		}
	}
	if o.Satisfaction.Valid() {
		m.Rated = true
		m.Satisfied = o.Satisfaction.Content()
	}
	m.OneContact = m.CalledBack && m.Solved && !m.FlowBack
	if o.ArrivedAt != nil {
		m.Arrived = true
		m.ArrivedOnTime = o.ArriveDue == nil || !o.ArrivedAt.After(*o.ArriveDue)
	}
	if o.Partner {
		m.Partner, m.PartnerEngaged = true, o.SignedAt != nil
	}
	if o.State == fenliu.StateRerouted {
		// Returned as not the unit's own and re-routed: it counts as
		// dispatched and as flow-back, not against feedback or completion.
		return m
	}
	if o.FeedbackAt != nil || (o.FeedbackDue != nil && !asOf.Before(*o.FeedbackDue)) {
		m.FeedbackDue = true
		m.FedBackOnTime = o.FeedbackAt != nil && (o.FeedbackDue == nil || !o.FeedbackAt.After(*o.FeedbackDue))
	}
	if o.ClosedAt != nil || (o.CloseDue != nil && !asOf.Before(*o.CloseDue)) {
		m.CloseDue = true
		if o.ClosedAt != nil {
			m.Closed = true
			m.ClosedOnTime = o.CloseDue == nil || !o.ClosedAt.After(*o.CloseDue)
		}
	}
	return m
}

// AddOrder folds one order into the counts.
func (c *Counts) AddOrder(f OrderFact, asOf time.Time) {
	m := Membership(f, asOf)
	if !m.Assessed {
		return
	}
	o := f.Order
	inc := func(b bool, n *int) {
		if b {
			*n++
		}
	}
	c.Dispatched++
	inc(m.Signed, &c.Signed)
	inc(m.SignedOnTime, &c.SignedOnTime)
	inc(m.FeedbackDue, &c.FeedbackDue)
	inc(m.FedBackOnTime, &c.FedBackOnTime)
	inc(m.CloseDue, &c.CloseDue)
	inc(m.Closed, &c.Closed)
	inc(m.ClosedOnTime, &c.ClosedOnTime)
	inc(m.FlowBack, &c.FlowBack)
	inc(m.Complaint, &c.Complaints)
	inc(m.Rated, &c.Rated)
	inc(m.Satisfied, &c.Satisfied)
	inc(m.CalledBack, &c.CalledBack)
	inc(m.Solved, &c.Solved)
	inc(m.MediationCalled, &c.MediationCalled)
	inc(m.MediationSucceeded, &c.MediationSucceeded)
	inc(m.OneContact, &c.OneContact)
	inc(m.Arrived, &c.Arrived)
	inc(m.ArrivedOnTime, &c.ArrivedOnTime)
	inc(m.Partner, &c.PartnerOrders)
	inc(m.PartnerEngaged, &c.PartnerEngaged)
	if m.Signed {
		c.sign.add(o.SignedAt.Sub(o.DispatchedAt))
	}
	if m.Arrived {
		c.arrive.add(o.ArrivedAt.Sub(o.DispatchedAt))
	}
	if m.PartnerEngaged && !f.ReceivedAt.IsZero() {
		c.partner.add(o.SignedAt.Sub(f.ReceivedAt))
	}
	if o.FeedbackAt != nil && o.State != fenliu.StateRerouted {
		c.feedback.add(o.FeedbackAt.Sub(o.DispatchedAt))
	}
	if m.Closed {
		c.close.add(o.ClosedAt.Sub(o.DispatchedAt))
	}
}

// Pending returns the times after asOf at which an order, if nothing more
// happens to it, falls due for feedback or for closing (nil if it will not:
// it already has, or has no limit, or is not assessed for it). Membership
// changes with the clock only at these times; any other change is an event
// on the order.
func Pending(f OrderFact, asOf time.Time) (feedback, close *time.Time) {
	o := f.Order
	if o.State == fenliu.StateCancelled || o.State == fenliu.StateRerouted {
		return nil, nil
	}
	if o.FeedbackAt == nil && o.FeedbackDue != nil && asOf.Before(*o.FeedbackDue) {
		feedback = o.FeedbackDue
	}
	if o.ClosedAt == nil && o.CloseDue != nil && asOf.Before(*o.CloseDue) {
		close = o.CloseDue
	}
	return feedback, close
}

// AddOrderPending folds one order in as AddOrder does and also remembers
// when it will fall due later, so that the counts can be carried forward to
// any later time with Settle. The report rollups are built with it.
func (c *Counts) AddOrderPending(f OrderFact, asOf time.Time) {
	c.AddOrder(f, asOf)
	fb, cl := Pending(f, asOf)
	if fb != nil {
		c.fbFlips = append(c.fbFlips, fb.UnixMilli())
	}
	if cl != nil {
		c.clFlips = append(c.clFlips, cl.UnixMilli())
	}
}

// Settle carries the counts forward to asOf: every pending limit that has
// passed by then moves its order into the feedback-due or close-due
// denominator (without feedback or closing, since nothing happened), exactly
// as AddOrder at asOf would have counted it.
func (c *Counts) Settle(asOf time.Time) {
	t := asOf.UnixMilli()
	keep := c.fbFlips[:0]
	for _, x := range c.fbFlips {
		if x <= t {
			c.FeedbackDue++
		} else {
			keep = append(keep, x)
		}
	}
	c.fbFlips = keep
	keep = c.clFlips[:0]
	for _, x := range c.clFlips {
		if x <= t {
			c.CloseDue++
		} else {
			keep = append(keep, x)
		}
	}
	c.clFlips = keep
}

// Pendings is how many pending limits the counts still carry.
func (c *Counts) Pendings() int { return len(c.fbFlips) + len(c.clFlips) }

// RateMembers names, for each order rate, its numerator and denominator
// memberships (for drill-down: "the orders behind this number").
var RateMembers = map[string][2]func(Member) bool{
	"sign_for":           {func(m Member) bool { return m.SignedOnTime }, func(m Member) bool { return m.Assessed }},
	"sign_for_any":       {func(m Member) bool { return m.Signed }, func(m Member) bool { return m.Assessed }},
	"feedback":           {func(m Member) bool { return m.FedBackOnTime }, func(m Member) bool { return m.FeedbackDue }},
	"completion":         {func(m Member) bool { return m.Closed }, func(m Member) bool { return m.CloseDue }},
	"on_time_completion": {func(m Member) bool { return m.ClosedOnTime }, func(m Member) bool { return m.CloseDue }},
	"flow_back":          {func(m Member) bool { return m.FlowBack }, func(m Member) bool { return m.Assessed }},
	"complaint":          {func(m Member) bool { return m.Complaint }, func(m Member) bool { return m.Assessed }},
	"satisfaction":       {func(m Member) bool { return m.Satisfied }, func(m Member) bool { return m.Rated }},
	"solved":             {func(m Member) bool { return m.Solved }, func(m Member) bool { return m.CalledBack }},
	"mediation":          {func(m Member) bool { return m.MediationSucceeded }, func(m Member) bool { return m.MediationCalled }},
	"one_contact":        {func(m Member) bool { return m.OneContact }, func(m Member) bool { return m.CalledBack }},
	"arrive_on_time":     {func(m Member) bool { return m.ArrivedOnTime }, func(m Member) bool { return m.Arrived }},
	"partner_engaged":    {func(m Member) bool { return m.PartnerEngaged }, func(m Member) bool { return m.Partner }},
}

// AddIncident folds one incident into the counts.
func (c *Counts) AddIncident(f IncidentFact) {
	c.Incidents++
	if f.Repeat {
		c.Repeats++
	}
	if f.FirstDispatch != nil && !f.ReceivedAt.IsZero() {
		c.dispatch.add(f.FirstDispatch.Sub(f.ReceivedAt))
	}
	if f.NonPolice && f.Disposition != "" {
		c.NonPolice++
		switch f.Disposition {
		case fenliu.DispDivert, fenliu.DispRedirect:
			c.NonPoliceDiverted++
		case fenliu.DispPolice, fenliu.DispJoint:
			c.NonPolicePoliced++
		}
	}
}

// Merge adds other's counts to c.
func (c *Counts) Merge(o *Counts) {
	c.Incidents += o.Incidents
	c.Repeats += o.Repeats
	c.NonPolice += o.NonPolice
	c.NonPoliceDiverted += o.NonPoliceDiverted
	c.NonPolicePoliced += o.NonPolicePoliced
	c.Dispatched += o.Dispatched
	c.Signed += o.Signed
	c.SignedOnTime += o.SignedOnTime
	c.FeedbackDue += o.FeedbackDue
	c.FedBackOnTime += o.FedBackOnTime
	c.CloseDue += o.CloseDue
	c.Closed += o.Closed
	c.ClosedOnTime += o.ClosedOnTime
	c.FlowBack += o.FlowBack
	c.Complaints += o.Complaints
	c.Rated += o.Rated
	c.Satisfied += o.Satisfied
	c.CalledBack += o.CalledBack
	c.Solved += o.Solved
	c.MediationCalled += o.MediationCalled
	c.MediationSucceeded += o.MediationSucceeded
	c.OneContact += o.OneContact
	c.Arrived += o.Arrived
	c.ArrivedOnTime += o.ArrivedOnTime
	c.PartnerOrders += o.PartnerOrders
	c.PartnerEngaged += o.PartnerEngaged
	c.arrive.merge(&o.arrive)
	c.dispatch.merge(&o.dispatch)
	c.partner.merge(&o.partner)
	c.sign.merge(&o.sign)
	c.feedback.merge(&o.feedback)
	c.close.merge(&o.close)
	c.fbFlips = append(c.fbFlips, o.fbFlips...)
	c.clFlips = append(c.clFlips, o.clFlips...)
}

// Clone returns a deep copy.
func (c *Counts) Clone() *Counts {
	n := *c
	n.sign, n.feedback, n.close = c.sign.clone(), c.feedback.clone(), c.close.clone()
	n.arrive, n.dispatch, n.partner = c.arrive.clone(), c.dispatch.clone(), c.partner.clone()
	n.fbFlips = append([]int64(nil), c.fbFlips...)
	n.clFlips = append([]int64(nil), c.clFlips...)
	return &n
}

// Rate is a ratio that may be undefined (no denominator).
type Rate struct {
	Num   int      `json:"num"`
	Den   int      `json:"den"`
	Value *float64 `json:"value"` // nil when Den is 0
}

func ratio(n, d int) Rate {
	r := Rate{Num: n, Den: d}
	if d > 0 {
		v := float64(n) / float64(d)
		r.Value = &v
	}
	return r
}

// Duration summarises minutes: mean and 90th percentile.
type Duration struct {
	N    int      `json:"n"`
	Mean *float64 `json:"mean_minutes"`
	P90  *float64 `json:"p90_minutes"`
}

// durations keeps times in minutes as a count, an exact sum and a histogram
// whose buckets are whole minutes below two hours, five minutes below a
// day, half hours below a week, six hours below 90 days, and one bucket
// beyond. Histograms add up, so a percentile over a year is the merge of
// its days.
type durations struct {
	N     int
	SumMS int64   // exact, so that sums in any order agree
	H     []int32 // count per bucket index (nil when empty or sparse)
	S     []hpair // the same, sparse, as decoded (nil when dense)
}

// hpair is a bucket index and its count.
type hpair struct {
	i int32
	n int32
}

// dense turns a decoded histogram into the dense form.
func (d *durations) dense() {
	if d.S == nil {
		return
	}
	if d.H == nil {
		d.H = make([]int32, nBuckets)
	}
	for _, p := range d.S {
		d.H[p.i] += p.n
	}
	d.S = nil
}

// Bucket boundaries, in minutes, and the index where each range starts.
const (
	b1, b2, b3, b4 = 120, 1440, 10080, 129600 // 2 h, 1 day, 1 week, 90 days
	i2             = b1                       // 120 one-minute buckets
	i3             = i2 + (b2-b1)/5           // then 264 five-minute buckets
	i4             = i3 + (b3-b2)/30          // then 288 half-hour buckets
	iLast          = i4 + (b4-b3)/360         // then 332 six-hour buckets, and the last
	nBuckets       = iLast + 1
)

func bucketIndex(min float64) int {
	switch {
	case min <= 0:
		return 0
	case min < b1:
		return int(min)
	case min < b2:
		return i2 + int((min-b1)/5)
	case min < b3:
		return i3 + int((min-b2)/30)
	case min < b4:
		return i4 + int((min-b3)/360)
	}
	return iLast
}

// bucketValue is the lower bound, in minutes, of a bucket.
func bucketValue(i int) int32 {
	switch {
	case i < i2:
		return int32(i)
	case i < i3:
		return int32(b1 + (i-i2)*5)
	case i < i4:
		return int32(b2 + (i-i3)*30)
	case i < iLast:
		return int32(b3 + (i-i4)*360)
	}
	return b4
}

// Bucket rounds a time in minutes down to the resolution percentiles are
// kept at.
func Bucket(min float64) int32 { return bucketValue(bucketIndex(min)) }

func (d *durations) add(t time.Duration) {
	d.dense()
	if d.H == nil {
		d.H = make([]int32, nBuckets)
	}
	d.N++
	d.SumMS += t.Milliseconds()
	d.H[bucketIndex(t.Minutes())]++
}

func (d *durations) merge(o *durations) {
	if o.N == 0 {
		return
	}
	d.dense()
	if d.H == nil {
		d.H = make([]int32, nBuckets)
	}
	d.N += o.N
	d.SumMS += o.SumMS
	for _, p := range o.S {
		d.H[p.i] += p.n
	}
	for i, v := range o.H {
		d.H[i] += v
	}
}

func (d durations) clone() durations {
	n := durations{N: d.N, SumMS: d.SumMS}
	if d.H != nil {
		n.H = append([]int32(nil), d.H...)
	}
	if d.S != nil {
		n.S = append([]hpair(nil), d.S...)
	}
	return n
}

func summarise(d durations) Duration {
	d = d.clone()
	d.dense()
	out := Duration{N: d.N}
	if d.N == 0 {
		return out
	}
	mean := float64(d.SumMS) / 60000 / float64(d.N)
	// Nearest-rank percentile, at the histogram's resolution.
	rank, seen := int(math.Ceil(0.9*float64(d.N))), 0
	p90 := 0.0
	for i, v := range d.H {
		seen += int(v)
		if seen >= rank {
			p90 = float64(bucketValue(i))
			break
		}
	}
	out.Mean, out.P90 = &mean, &p90
	return out
}

// Rates are the assessed rates, each with its numerator and denominator.
type Rates struct {
	SignFor          Rate     `json:"sign_for"`           // 签收率 (within the limit)
	SignForAny       Rate     `json:"sign_for_any"`       // 签收率 (at any time)
	Diversion        Rate     `json:"diversion"`          // 分流率
	PoliceDispatch   Rate     `json:"police_dispatch"`    // 非警务派警率
	Feedback         Rate     `json:"feedback"`           // 反馈率
	Completion       Rate     `json:"completion"`         // 办结率
	OnTimeCompletion Rate     `json:"on_time_completion"` // 按时办结率
	FlowBack         Rate     `json:"flow_back"`          // 回流率
	Complaint        Rate     `json:"complaint"`          // 投诉率
	Repeat           Rate     `json:"repeat"`             // 重复报警率
	Satisfaction     Rate     `json:"satisfaction"`       // 满意率
	Solved           Rate     `json:"solved"`             // 解决率
	Mediation        Rate     `json:"mediation"`          // 调解成功率
	OneContact       Rate     `json:"one_contact"`        // 一次办结率
	ArriveOnTime     Rate     `json:"arrive_on_time"`     // 按时到达率
	PartnerEngaged   Rate     `json:"partner_engaged"`    // 绿色通道合作单位响应率
	TimeToSign       Duration `json:"time_to_sign"`
	TimeToFeedback   Duration `json:"time_to_feedback"`
	TimeToClose      Duration `json:"time_to_close"`
	TimeToArrive     Duration `json:"time_to_arrive"`   // dispatch → arrival
	TimeToDispatch   Duration `json:"time_to_dispatch"` // intake → first order
	TimeToPartner    Duration `json:"time_to_partner"`  // intake → partner team signed (green channels)
}

// Compute turns counts into rates. These are the definitions.
func Compute(c *Counts) Rates {
	return Rates{
		SignFor:          ratio(c.SignedOnTime, c.Dispatched),
		SignForAny:       ratio(c.Signed, c.Dispatched),
		Diversion:        ratio(c.NonPoliceDiverted, c.NonPolice),
		PoliceDispatch:   ratio(c.NonPolicePoliced, c.NonPolice),
		Feedback:         ratio(c.FedBackOnTime, c.FeedbackDue),
		Completion:       ratio(c.Closed, c.CloseDue),
		OnTimeCompletion: ratio(c.ClosedOnTime, c.CloseDue),
		FlowBack:         ratio(c.FlowBack, c.Dispatched),
		Complaint:        ratio(c.Complaints, c.Dispatched),
		Repeat:           ratio(c.Repeats, c.Incidents),
		Satisfaction:     ratio(c.Satisfied, c.Rated),
		Solved:           ratio(c.Solved, c.CalledBack),
		Mediation:        ratio(c.MediationSucceeded, c.MediationCalled),
		OneContact:       ratio(c.OneContact, c.CalledBack),
		ArriveOnTime:     ratio(c.ArrivedOnTime, c.Arrived),
		PartnerEngaged:   ratio(c.PartnerEngaged, c.PartnerOrders),
		TimeToSign:       summarise(c.sign),
		TimeToFeedback:   summarise(c.feedback),
		TimeToClose:      summarise(c.close),
		TimeToArrive:     summarise(c.arrive),
		TimeToDispatch:   summarise(c.dispatch),
		TimeToPartner:    summarise(c.partner),
	}
}

// Weights score a unit (考核): each rate's weight; a rate that lowers the
// score when high (flow-back, complaint, police dispatch, repeat) counts as
// 1 − rate. Score = Σ weight × value ÷ Σ weight over defined rates, × 100.
type Weights map[string]float64

// RateNames are the names Weights may use.
var RateNames = map[string]bool{"sign_for": true, "sign_for_any": true, "diversion": true, "police_dispatch": true,
	"feedback": true, "completion": true, "on_time_completion": true, "flow_back": true, "complaint": true,
	"repeat": true, "satisfaction": true, "solved": true, "mediation": true, "one_contact": true, "arrive_on_time": true, "partner_engaged": true}

// DefaultWeights follow the published assessments: sign-for, feedback and
// completion most, then satisfaction, flow-back and complaints.
var DefaultWeights = Weights{"sign_for": 20, "feedback": 20, "on_time_completion": 25, "satisfaction": 15, "flow_back": 10, "complaint": 10}

// Score is the assessment score (0–100) of rates under weights; nil if no
// weighted rate is defined.
func Score(r Rates, w Weights) *float64 {
	get := map[string]Rate{"sign_for": r.SignFor, "sign_for_any": r.SignForAny, "diversion": r.Diversion, "police_dispatch": r.PoliceDispatch,
		"feedback": r.Feedback, "completion": r.Completion, "on_time_completion": r.OnTimeCompletion, "flow_back": r.FlowBack,
		"complaint": r.Complaint, "repeat": r.Repeat, "satisfaction": r.Satisfaction, "solved": r.Solved, "mediation": r.Mediation,
		"one_contact": r.OneContact, "arrive_on_time": r.ArriveOnTime, "partner_engaged": r.PartnerEngaged}
	lowerIsBetter := map[string]bool{"flow_back": true, "complaint": true, "police_dispatch": true, "repeat": true}
	var sum, wsum float64
	names := make([]string, 0, len(w))
	for name := range w {
		names = append(names, name)
	}
	sort.Strings(names) // a fixed order: the same rates give the same score to the last digit
	for _, name := range names {
		weight := w[name]
		rate, ok := get[name]
		if !ok || rate.Value == nil || weight <= 0 {
			continue
		}
		v := *rate.Value
		if lowerIsBetter[name] {
			v = 1 - v
		}
		sum += weight * v
		wsum += weight
	}
	if wsum == 0 {
		return nil
	}
	s := 100 * sum / wsum
	return &s
}

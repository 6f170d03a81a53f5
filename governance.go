package fenliu

import (
	"math"
	"time"
)

// Trend compares a count with the one of the period before.
type Trend string

const (
	TrendUp   Trend = "up"   // more than before
	TrendDown Trend = "down" // fewer
	TrendFlat Trend = "flat" // within a fifth of before (or both under 3)
	TrendNew  Trend = "new"  // none before
)

// TrendOf is the trend from before to now: "new" when nothing came before,
// "flat" when the change is within 20 % (or both counts are under 3).
func TrendOf(now, before int) Trend {
	switch {
	case before == 0 && now > 0:
		return TrendNew
	case now < 3 && before < 3:
		return TrendFlat
	case float64(now) > 1.2*float64(before):
		return TrendUp
	case float64(now) < 0.8*float64(before):
		return TrendDown
	}
	return TrendFlat
}

// WarningRule is the class-level warning rule (一类事预警): the count of one
// category in one street over the last Window is compared with the counts
// of the same hours and weekdays of the Weeks weeks before. With S calls in
// those K windows, the expected rate has the posterior Gamma(S+½, K)
// (Jeffreys prior), so the next window's count is negative binomial with
// r = S+½ and p = K/(K+1). The rise is significant when at least MinCount
// calls came and the chance of that many or more under the baseline is
// below Alpha. An episode lasts until the window's count is no longer above
// the baseline at the release level Release (hysteresis: a count hovering at
// the threshold does not open and end warnings over and over).
type WarningRule struct {
	Window   time.Duration
	Weeks    int
	MinCount int
	Alpha    float64
	Release  float64
}

// DefaultWarningRule: 72 hours against 8 weeks, at least 4 calls, one in
// five thousand (checked every quarter hour in every category × street, a
// looser level raises too many false alarms: docs/governance.md); released
// at one in twenty.
var DefaultWarningRule = WarningRule{Window: 72 * time.Hour, Weeks: 8, MinCount: 4, Alpha: 0.0002, Release: 0.05}

// WarningTest is what the rule says about one category in one place.
type WarningTest struct {
	Count    int     `json:"count"`    // calls in the window
	Baseline float64 `json:"baseline"` // mean of the past windows
	Past     []int   `json:"past"`     // the past windows' counts, latest first
	P        float64 `json:"p"`        // chance of Count or more under the baseline
	Fire     bool    `json:"fire"`     // a significant rise
	Holds    bool    `json:"holds"`    // still above the baseline at the release level
}

// Test applies the rule to the window's count and the past windows' counts.
func (r WarningRule) Test(count int, past []int) WarningTest {
	s := 0
	for _, c := range past {
		s += c
	}
	k := len(past)
	t := WarningTest{Count: count, Past: past}
	if k == 0 {
		t.P = 1
		return t
	}
	t.Baseline = float64(s) / float64(k)
	t.P = negBinTail(count, float64(s)+0.5, float64(k)/float64(k+1))
	t.Fire = count >= r.MinCount && t.P < r.Alpha
	t.Holds = count >= r.MinCount && t.P < r.Release
	return t
}

// negBinTail is P(X ≥ n) for X negative binomial with shape rr and
// success probability p: P(0) = p^rr, P(x+1) = P(x)·(x+rr)/(x+1)·(1−p).
func negBinTail(n int, rr, p float64) float64 {
	if n <= 0 {
		return 1
	}
	pk := math.Pow(p, rr)
	cdf := 0.0
	for x := 0; x < n; x++ {
		cdf += pk
		pk *= (float64(x) + rr) / float64(x+1) * (1 - p)
	}
	if cdf > 1 {
		cdf = 1
	}
	return 1 - cdf
}

// WarningCounts counts times (sorted or not) into the window ending at `at`
// and the rule's past windows: the same hours of the same weekdays, one,
// two … Weeks weeks earlier.
func (r WarningRule) WarningCounts(times []time.Time, at time.Time) (count int, past []int) {
	past = make([]int, r.Weeks)
	week := 7 * 24 * time.Hour
	for _, t := range times {
		if !t.Before(at) {
			continue
		}
		d := at.Sub(t)
		k := int(d / week)
		if d-time.Duration(k)*week >= r.Window {
			continue
		}
		if k == 0 {
			count++
		} else if k <= r.Weeks {
			past[k-1]++
		}
	}
	return count, past
}

// CanSeeGovernance reports whether the user works on causes (警源治理): the
// map, hotspots, every warning and the scenarios — leaders, supervisors,
// the linkage desk and administrators. Unit staff see the warnings and
// scenarios addressed to their unit (CanSeeWarning).
func CanSeeGovernance(u *User) error {
	switch u.Role {
	case RoleLeader, RoleSupervisor, RoleLinkageDesk, RoleAdmin:
		return nil
	}
	return forbidden("查看警源治理", "see the governance views", u.Role)
}

// CanManageScenarios reports whether the user may open, steer and close
// scenarios (治场景): leaders and supervisors (and administrators).
func CanManageScenarios(u *User) error {
	switch u.Role {
	case RoleLeader, RoleSupervisor, RoleAdmin:
		return nil
	}
	return forbidden("管理治理场景", "manage scenarios", u.Role)
}

// NoticeClassWarning is a class-level warning slip (一类事预警单) sent to a
// street office and to the lead unit of the matter: a run of one kind of
// call in one street, not one order.
const NoticeClassWarning NoticeKind = "class_warning"

// ClassWarning is one episode of a significant rise of one category in one
// street (一类事预警): opened once when the rule fires, kept open while the
// rise holds, ended when it no longer does.
type ClassWarning struct {
	ID           int64      `json:"id"`
	Category     string     `json:"category"`
	AreaID       int64      `json:"area_id"` // the street (街道)
	OpenedAt     time.Time  `json:"opened_at"`
	LastChecked  time.Time  `json:"last_checked"`
	EndedAt      *time.Time `json:"ended_at,omitempty"`
	Count        int        `json:"count"`    // calls in the window when it opened
	Peak         int        `json:"peak"`     // the most calls in a window during the episode
	Baseline     float64    `json:"baseline"` // the past windows' mean when it opened
	P            float64    `json:"p"`        // the chance of Count or more under the baseline
	StreetUnitID int64      `json:"street_unit_id,omitempty"`
	LeadUnitID   int64      `json:"lead_unit_id,omitempty"`
	Evidence     Evidence   `json:"evidence"`
}

// Evidence is what a warning slip shows: the window, the past windows'
// counts and the incidents of the window.
type Evidence struct {
	WindowHours int     `json:"window_hours"`
	Past        []int   `json:"past"`
	Incidents   []int64 `json:"incidents"`
}

// CanSeeWarning reports whether the user may see a warning: the governance
// roles see all, unit staff those addressed to their unit.
func CanSeeWarning(u *User, w *ClassWarning) error {
	if CanSeeGovernance(u) == nil {
		return nil
	}
	if u.Role == RoleUnitStaff && u.UnitID != 0 && (u.UnitID == w.StreetUnitID || u.UnitID == w.LeadUnitID) {
		return nil
	}
	return &Error{Code: ENotFound, ZH: "预警单不存在或不是发给本单位的", EN: "warning not found or not addressed to your unit"}
}

// Scenario is a recurring place-and-type pattern a unit takes on (治场景):
// the place, the kinds of matter, the owner unit (usually the police
// station) and its co-units, the measures with due dates and their progress.
// It is opened from a hotspot or a warning, and closed only when the rate of
// its calls has stayed down (ScenarioDown) for the city's hold period.
type Scenario struct {
	ID          int64      `json:"id"`
	Title       string     `json:"title"`
	AreaID      int64      `json:"area_id"`
	Categories  []string   `json:"categories"`
	OwnerUnitID int64      `json:"owner_unit_id"`
	CoUnitIDs   []int64    `json:"co_unit_ids"`
	WarningID   int64      `json:"warning_id,omitempty"`
	HoldDays    int        `json:"hold_days"`
	OpenedBy    int64      `json:"opened_by"`
	OpenedAt    time.Time  `json:"opened_at"`
	ClosedAt    *time.Time `json:"closed_at,omitempty"`
	ClosedBy    int64      `json:"closed_by,omitempty"`
}

// Measure is one of a scenario's measures: what, by whom, by when.
type Measure struct {
	ID         int64      `json:"id"`
	ScenarioID int64      `json:"scenario_id"`
	Text       string     `json:"text"`
	UnitID     int64      `json:"unit_id"`
	DueAt      time.Time  `json:"due_at"`
	DoneAt     *time.Time `json:"done_at,omitempty"`
}

// ScenarioEvent is a line of a scenario's history.
type ScenarioEvent struct {
	ID        int64     `json:"id"`
	MeasureID int64     `json:"measure_id,omitempty"`
	At        time.Time `json:"at"`
	ActorID   int64     `json:"actor_id"`
	Kind      string    `json:"kind"` // opened, measure, progress, done, closed
	Text      string    `json:"text"`
}

// Validate checks a scenario before it is opened.
func (s *Scenario) Validate() error {
	if err := required("title", "场景名称", s.Title); err != nil {
		return err
	}
	if s.AreaID <= 0 {
		return &Error{Code: EInvalid, Field: "area_id", ZH: "必须指定场景所在区域", EN: "area_id is required"}
	}
	if len(s.Categories) == 0 {
		return &Error{Code: EInvalid, Field: "categories", ZH: "至少要有一类事项", EN: "at least one category is required"}
	}
	if s.OwnerUnitID <= 0 {
		return &Error{Code: EInvalid, Field: "owner_unit_id", ZH: "必须指定牵头单位", EN: "owner_unit_id is required"}
	}
	return nil
}

// Validate checks a measure.
func (m *Measure) Validate() error {
	if err := checkText("text", "措施", m.Text, MaxShortRunes*4); err != nil {
		return err
	}
	if m.Text == "" {
		return &Error{Code: EInvalid, Field: "text", ZH: "措施内容不能为空", EN: "text is required"}
	}
	if m.UnitID <= 0 {
		return &Error{Code: EInvalid, Field: "unit_id", ZH: "必须指定落实单位", EN: "unit_id is required"}
	}
	if m.DueAt.IsZero() {
		return &Error{Code: EInvalid, Field: "due_at", ZH: "必须指定完成期限", EN: "due_at is required"}
	}
	return nil
}

// ScenarioDown is the closing rule: the calls' daily rate over the last
// hold period is at most 70 % of the rate over the period before opening,
// and no week of the hold period was above the rate before. before and
// holdWeeks are calls per day; it is false with no week to judge.
func ScenarioDown(before float64, holdWeeks []float64) bool {
	if len(holdWeeks) == 0 {
		return false
	}
	sum := 0.0
	for _, w := range holdWeeks {
		if w > before {
			return false
		}
		sum += w
	}
	return sum/float64(len(holdWeeks)) <= 0.7*before
}

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

// DefaultWarningRule: 72 hours against 8 weeks, at least 4 calls, one in a
// thousand; released at one in twenty.
var DefaultWarningRule = WarningRule{Window: 72 * time.Hour, Weeks: 8, MinCount: 4, Alpha: 0.001, Release: 0.05}

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

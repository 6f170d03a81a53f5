package fenliu

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"
	"time"
)

// TestNegBinTail: the tail matches a direct sum of the probabilities.
func TestNegBinTail(t *testing.T) {
	r, p := 3.5, 0.8
	pmf := func(x int) float64 {
		lg, _ := math.Lgamma(float64(x) + r)
		lr, _ := math.Lgamma(r)
		lx, _ := math.Lgamma(float64(x) + 1)
		return math.Exp(lg - lr - lx + r*math.Log(p) + float64(x)*math.Log(1-p))
	}
	for _, n := range []int{0, 1, 3, 7, 12} {
		want := 1.0
		for x := 0; x < n; x++ {
			want -= pmf(x)
		}
		if got := negBinTail(n, r, p); math.Abs(got-want) > 1e-9 {
			t.Errorf("tail(%d) = %v, want %v", n, got, want)
		}
	}
	if w := DefaultWarningRule.Test(6, []int{1, 0, 1, 0, 0, 1, 0, 0}); !w.Fire || w.Baseline != 0.375 {
		t.Errorf("6 calls against 3 in 8 weeks: %+v", w)
	}
	if w := DefaultWarningRule.Test(6, []int{5, 6, 4, 7, 5, 6, 5, 6}); w.Fire {
		t.Errorf("6 calls against an ordinary 5.5: %+v", w)
	}
	if w := DefaultWarningRule.Test(3, []int{0, 0, 0, 0, 0, 0, 0, 0}); w.Fire {
		t.Errorf("3 calls, under the minimum, fired: %+v", w)
	}
}

// pair is one category in one street: its ordinary rate and the calls.
type pair struct {
	rate  float64 // calls per day
	calls []time.Time
	rise  time.Time // when an injected rise starts (zero: none)
}

// simulate makes 90 days (plus the baseline's 8 weeks) of ordinary traffic
// for n pairs: Poisson calls at a per-pair rate, busier by day and on
// weekends; with rises, every fifth pair gets an injected run of calls.
func simulate(rng *rand.Rand, start time.Time, days, n int, rises bool) []*pair {
	var out []*pair
	for i := 0; i < n; i++ {
		p := &pair{rate: 0.05 + rng.Float64()*rng.Float64()*4}
		for h := 0; h < days*24; h++ {
			at := start.Add(time.Duration(h) * time.Hour)
			lam := p.rate / 24
			if hr := at.Hour(); hr >= 8 && hr < 22 {
				lam *= 1.5
			} else {
				lam *= 0.25
			}
			if wd := at.Weekday(); wd == time.Saturday || wd == time.Sunday {
				lam *= 1.3
			}
			for k := poisson(rng, lam); k > 0; k-- {
				p.calls = append(p.calls, at.Add(time.Duration(rng.IntN(3600))*time.Second))
			}
		}
		if rises && i%5 == 0 {
			// The run: 3 extra calls a day plus three times the pair's rate, for 4 days, after day 70.
			p.rise = start.Add(time.Duration(70+rng.IntN(days-80)) * 24 * time.Hour)
			extra := int(4*(3+3*p.rate)) + 1
			for k := 0; k < extra; k++ {
				p.calls = append(p.calls, p.rise.Add(time.Duration(rng.IntN(4*24*3600))*time.Second))
			}
		}
		sort.Slice(p.calls, func(a, b int) bool { return p.calls[a].Before(p.calls[b]) })
		out = append(out, p)
	}
	return out
}

func poisson(rng *rand.Rand, lam float64) int {
	l, k, p := math.Exp(-lam), 0, 1.0
	for {
		p *= rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// episodes plays the rule hourly over [from, to) with the episode logic of
// the service (open when it fires and none is open; end when it no longer
// holds) and returns when each episode opened.
func episodes(r WarningRule, calls []time.Time, from, to time.Time) []time.Time {
	var opened []time.Time
	open := false
	for at := from; at.Before(to); at = at.Add(time.Hour) {
		n, past := r.WarningCounts(calls, at)
		w := r.Test(n, past)
		switch {
		case open && !w.Holds:
			open = false
		case !open && w.Fire:
			open = true
			opened = append(opened, at)
		}
	}
	return opened
}

// TestWarningRuleOnSimulatedTraffic: over 90 days of ordinary traffic in
// 270 category × street pairs (30 kinds of matter in 9 streets), checked
// every hour, the rule raises few false alarms; every injected rise is
// warned exactly once while it lasts.
func TestWarningRuleOnSimulatedTraffic(t *testing.T) {
	rule := DefaultWarningRule
	start := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	lead := time.Duration(rule.Weeks)*7*24*time.Hour + rule.Window
	from, days := start.Add(lead), 90
	to := from.Add(time.Duration(days) * 24 * time.Hour)
	total := days + int(lead/(24*time.Hour)) + 1

	rng := rand.New(rand.NewPCG(14, 2026))
	ordinary := simulate(rng, start, total, 270, false)
	falseAlarms, calls := 0, 0
	for _, p := range ordinary {
		falseAlarms += len(episodes(rule, p.calls, from, to))
		calls += len(p.calls)
	}
	pairDays := 270 * days
	t.Logf("ordinary traffic: %d calls, %d pairs × %d days, checked hourly: %d false alarms (%.4f per pair-month)",
		calls, 270, days, falseAlarms, float64(falseAlarms)/float64(pairDays)*30)
	if falseAlarms > 6 {
		t.Errorf("%d false alarms over 90 days of ordinary traffic; want at most 6", falseAlarms)
	}

	rng = rand.New(rand.NewPCG(15, 2026))
	mixed := simulate(rng, start, total, 270, true)
	warned, injected, extra := 0, 0, 0
	var delays []time.Duration
	for _, p := range mixed {
		ep := episodes(rule, p.calls, from, to)
		if p.rise.IsZero() {
			extra += len(ep)
			continue
		}
		injected++
		// The rise lasts 4 days; its episode may open until its window has passed.
		hits := 0
		for _, at := range ep {
			if !at.Before(p.rise) && at.Before(p.rise.Add(4*24*time.Hour+rule.Window)) {
				hits++
				delays = append(delays, at.Sub(p.rise))
			} else {
				extra++
			}
		}
		if hits == 1 {
			warned++
		} else {
			t.Errorf("rise at %v (rate %.2f/day): warned %d times (episodes %v)", p.rise, p.rate, hits, ep)
		}
	}
	sort.Slice(delays, func(a, b int) bool { return delays[a] < delays[b] })
	if len(delays) > 0 {
		t.Logf("delay from the rise's start to its warning: median %v, slowest %v", delays[len(delays)/2], delays[len(delays)-1])
	}
	t.Logf("injected rises: %d of %d warned exactly once; %d other warnings", warned, injected, extra)
}

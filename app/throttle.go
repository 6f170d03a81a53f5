package app

import (
	"context"
	"time"

	"github.com/fenliu/fenliu/store"
)

// Throttling, kept in the database so every server shares it: failed
// sign-ins per account at an address and per address, and citizens'
// reports per address. A held-back key waits with a delay that grows with
// each failure; it never locks an account as such, so an attacker
// elsewhere cannot keep its owner out.

// ThrottlePolicy is how a kind of key is held back.
type ThrottlePolicy struct {
	Free   int           // failures (hits) that hold nothing back; the next one does
	Base   time.Duration // the first delay; it doubles with each further failure
	Max    time.Duration // the longest delay
	Forget time.Duration // a key quiet this long starts afresh
}

// The policies.
var (
	// LoginAccountAddr: one account from one address — the fifth failure
	// holds it back 30 s, each further one twice as long, up to 15 min.
	LoginAccountAddr = ThrottlePolicy{Free: 4, Base: 30 * time.Second, Max: 15 * time.Minute, Forget: 24 * time.Hour}
	// LoginAddr: any account from one address (a spray of names) — the
	// fiftieth failure holds it back 10 s, doubling up to 5 min; an office
	// behind one address is slowed, never locked out for long.
	LoginAddr = ThrottlePolicy{Free: 49, Base: 10 * time.Second, Max: 5 * time.Minute, Forget: time.Hour}
	// ReportThrottle: citizens' reports from one address, counted whether
	// kept or refused — five in a quarter of an hour.
	ReportThrottle = ThrottlePolicy{Free: 4, Base: 15 * time.Minute, Max: 15 * time.Minute, Forget: 15 * time.Minute}
)

// delay is how long a key waits after its n-th failure.
func (p ThrottlePolicy) delay(n int) time.Duration {
	if n <= p.Free {
		return 0
	}
	d := p.Base
	for i := p.Free + 1; i < n && d < p.Max; i++ {
		d *= 2
	}
	return min(d, p.Max)
}

// ThrottleWait returns how long key must still wait (0: go ahead).
func (a *App) ThrottleWait(ctx context.Context, key string) (time.Duration, error) {
	until, err := a.db.ThrottleUntil(ctx, key)
	if err != nil {
		return 0, err
	}
	return max(until.Sub(a.now()), 0), nil
}

// ThrottleFail counts a failure for key under policy p.
func (a *App) ThrottleFail(ctx context.Context, p ThrottlePolicy, key string) error {
	now := a.now()
	return a.db.Tx(ctx, func(q *store.Q) error {
		n, err := q.ThrottleCount(ctx, key, now, now.Add(-p.Forget))
		if err != nil {
			return err
		}
		if d := p.delay(n); d > 0 {
			return q.ThrottleHold(ctx, key, now.Add(d))
		}
		return nil
	})
}

// ThrottleHit checks key and, if it may go ahead, counts the hit: the
// wait is returned when it may not (and the hit is not counted).
func (a *App) ThrottleHit(ctx context.Context, p ThrottlePolicy, key string) (time.Duration, error) {
	wait, err := a.ThrottleWait(ctx, key)
	if err != nil || wait > 0 {
		return wait, err
	}
	return 0, a.ThrottleFail(ctx, p, key)
}

// ThrottleReset forgets key's failures.
func (a *App) ThrottleReset(ctx context.Context, key string) error {
	return a.db.Tx(ctx, func(q *store.Q) error { return q.ThrottleReset(ctx, key) })
}

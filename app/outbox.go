package app

import (
	"context"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/store"
)

// Subscribers: administrators configure who receives the outbox.

// CreateSubscriber adds a subscriber; its stream starts after the newest
// outbox entry. The answer carries the secret (made if none was given),
// the only time it is shown.
func (a *App) CreateSubscriber(ctx context.Context, actor *fenliu.User, in fenliu.SubscriberInput) (*fenliu.Subscriber, error) {
	if err := fenliu.CanAdminister(actor); err != nil {
		return nil, err
	}
	s := &fenliu.Subscriber{}
	if err := in.Validate(s); err != nil {
		return nil, err
	}
	if s.Secret == "" {
		s.Secret = fenliu.NewWebhookSecret()
	}
	now := a.now()
	s.CreatedBy, s.CreatedAt, s.UpdatedAt = actor.ID, now, now
	if err := a.db.Tx(ctx, func(q *store.Q) error { return q.CreateSubscriber(ctx, s) }); err != nil {
		return nil, err
	}
	a.wakeOutbox()
	return s, nil
}

// UpdateSubscriber changes a subscriber's settings; an empty secret keeps
// the one it has. Its stream goes on where it was.
func (a *App) UpdateSubscriber(ctx context.Context, actor *fenliu.User, id int64, in fenliu.SubscriberInput) (*fenliu.Subscriber, error) {
	if err := fenliu.CanAdminister(actor); err != nil {
		return nil, err
	}
	var s *fenliu.Subscriber
	err := a.db.Tx(ctx, func(q *store.Q) error {
		var err error
		if s, err = q.Subscriber(ctx, id); err != nil {
			return err
		}
		if err := in.Validate(s); err != nil {
			return err
		}
		s.UpdatedAt = a.now()
		return q.UpdateSubscriber(ctx, s)
	})
	if err != nil {
		return nil, err
	}
	a.wakeOutbox()
	s.Secret = ""
	return s, nil
}

// DeleteSubscriber removes a subscriber, its delivery log and its dead letters.
func (a *App) DeleteSubscriber(ctx context.Context, actor *fenliu.User, id int64) error {
	if err := fenliu.CanAdminister(actor); err != nil {
		return err
	}
	if err := a.db.Tx(ctx, func(q *store.Q) error { return q.DeleteSubscriber(ctx, id) }); err != nil {
		return err
	}
	a.wakeOutbox()
	return nil
}

// Subscribers lists the subscribers with their streams (secrets withheld).
func (a *App) Subscribers(ctx context.Context, actor *fenliu.User) ([]*fenliu.Subscriber, error) {
	if err := fenliu.CanAdminister(actor); err != nil {
		return nil, err
	}
	list, err := a.db.Subscribers(ctx)
	for _, s := range list {
		s.Secret = ""
	}
	return list, err
}

// Subscriber returns one subscriber with its stream (secret withheld).
func (a *App) Subscriber(ctx context.Context, actor *fenliu.User, id int64) (*fenliu.Subscriber, error) {
	if err := fenliu.CanAdminister(actor); err != nil {
		return nil, err
	}
	s, err := a.db.Subscriber(ctx, id)
	if err != nil {
		return nil, err
	}
	s.Secret = ""
	return s, nil
}

// SubscriberDeliveries lists a subscriber's delivery attempts, newest first
// (failed: only the failures).
func (a *App) SubscriberDeliveries(ctx context.Context, actor *fenliu.User, id int64, failed bool, n int) ([]*fenliu.Delivery, error) {
	if _, err := a.Subscriber(ctx, actor, id); err != nil {
		return nil, err
	}
	return a.db.Deliveries(ctx, id, failed, clampLimit(n))
}

// DeadLetters lists a subscriber's dead letters, newest first.
func (a *App) DeadLetters(ctx context.Context, actor *fenliu.User, id int64, n int) ([]*fenliu.DeadLetter, error) {
	if _, err := a.Subscriber(ctx, actor, id); err != nil {
		return nil, err
	}
	return a.db.DeadLetters(ctx, id, false, clampLimit(n))
}

// DeadLetterEntry returns a dead letter with the message it holds.
func (a *App) DeadLetterEntry(ctx context.Context, actor *fenliu.User, id int64) (*fenliu.DeadLetter, *fenliu.OutboxEntry, error) {
	if err := fenliu.CanAdminister(actor); err != nil {
		return nil, nil, err
	}
	d, err := a.db.DeadLetter(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	e, err := a.db.OutboxEntry(ctx, d.OutboxID)
	return d, e, err
}

// ReplayDeadLetter asks the subscriber's worker to send a dead letter
// again, with the same webhook-id (a receiver that had it drops it).
func (a *App) ReplayDeadLetter(ctx context.Context, actor *fenliu.User, id int64) (*fenliu.DeadLetter, error) {
	if err := fenliu.CanAdminister(actor); err != nil {
		return nil, err
	}
	var d *fenliu.DeadLetter
	err := a.db.Tx(ctx, func(q *store.Q) error {
		var err error
		if d, err = q.DeadLetter(ctx, id); err != nil {
			return err
		}
		ok, err := q.RequestReplay(ctx, id, actor.ID, a.now())
		if err != nil {
			return err
		}
		if !ok {
			return &fenliu.Error{Code: fenliu.EConflict, ZH: "该死信已重发成功", EN: "the dead letter has been delivered already"}
		}
		d, err = q.DeadLetter(ctx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	a.wakeOutbox()
	return d, nil
}

func clampLimit(n int) int {
	if n <= 0 || n > 500 {
		return 100
	}
	return n
}

// Changes is the change feed: up to n outbox entries after cursor after,
// in order, for systems that poll. Unit staff read their own unit's
// entries only. The next cursor is the last entry's id (after if none).
func (a *App) Changes(ctx context.Context, actor *fenliu.User, after int64, n int) ([]*fenliu.OutboxEntry, int64, error) {
	if n <= 0 || n > 1000 {
		n = 100
	}
	var (
		list []*fenliu.OutboxEntry
		err  error
	)
	if fenliu.SeesAllUnits(actor) {
		list, err = a.db.OutboxAfter(ctx, after, n)
	} else {
		list, err = a.db.OutboxAfterForUnit(ctx, after, actor.UnitID, n)
	}
	if err != nil {
		return nil, after, err
	}
	next := after
	if len(list) > 0 {
		next = list[len(list)-1].ID
	}
	return list, next, nil
}

// The delivery side, for the outbound worker (package webhook): no actor,
// like the scheduler.

// OutboxWake is signalled (without blocking) after changes that may have
// written outbox entries or changed subscribers.
func (a *App) OutboxWake() <-chan struct{} { return a.outboxWake }

func (a *App) wakeOutbox() {
	select {
	case a.outboxWake <- struct{}{}:
	default:
	}
}

// StreamSubscribers lists every subscriber with its secret, for the worker.
func (a *App) StreamSubscribers(ctx context.Context) ([]*fenliu.Subscriber, error) {
	return a.db.Subscribers(ctx)
}

// StreamSubscriber returns a subscriber's settings and stream, with its secret.
func (a *App) StreamSubscriber(ctx context.Context, id int64) (*fenliu.Subscriber, error) {
	return a.db.Subscriber(ctx, id)
}

// ClaimStream takes or renews owner's lease on a subscriber's stream for
// ttl: one worker across all servers sends a subscriber's entries.
func (a *App) ClaimStream(ctx context.Context, id int64, owner string, ttl time.Duration) (bool, error) {
	now := a.now()
	var ok bool
	err := a.db.Tx(ctx, func(q *store.Q) error {
		var err error
		ok, err = q.ClaimSubscriber(ctx, id, owner, now, now.Add(ttl))
		return err
	})
	return ok, err
}

// ReleaseStream gives up owner's lease (at shutdown), so another server or
// the next start takes the stream at once.
func (a *App) ReleaseStream(ctx context.Context, id int64, owner string) error {
	return a.db.Tx(ctx, func(q *store.Q) error { return q.ReleaseSubscriber(ctx, id, owner) })
}

// NextEntry returns the next entry the subscriber wants after its done id,
// moving the stream past entries it does not want; nil when it is up to date.
func (a *App) NextEntry(ctx context.Context, s *fenliu.Subscriber) (*fenliu.OutboxEntry, error) {
	for {
		list, err := a.db.OutboxAfter(ctx, s.DoneID, 200)
		if err != nil || len(list) == 0 {
			return nil, err
		}
		skip := s.DoneID
		for _, e := range list {
			if s.Wants(e) {
				if skip != s.DoneID {
					if err := a.advance(ctx, s, skip, false, false); err != nil {
						return nil, err
					}
				}
				return e, nil
			}
			skip = e.ID
		}
		if err := a.advance(ctx, s, skip, false, false); err != nil {
			return nil, err
		}
	}
}

// errMoved: another worker moved the stream (a lease was lost); the caller
// rereads the subscriber.
var errMoved = &fenliu.Error{Code: fenliu.EConflict, ZH: "外发进度已被另一进程推进", EN: "the stream was moved by another worker"}

// StreamMoved reports whether err says another worker moved the stream.
func StreamMoved(err error) bool { return err == errMoved }

func (a *App) advance(ctx context.Context, s *fenliu.Subscriber, to int64, delivered, dead bool) error {
	return a.db.Tx(ctx, func(q *store.Q) error {
		ok, err := q.AdvanceSubscriber(ctx, s.ID, s.DoneID, to, delivered, dead, a.now())
		if err != nil {
			return err
		}
		if !ok {
			return errMoved
		}
		s.DoneID = to
		return nil
	})
}

// Delivered records a delivered entry and moves the stream past it.
func (a *App) Delivered(ctx context.Context, s *fenliu.Subscriber, d *fenliu.Delivery) error {
	d.SubscriberID, d.OK, d.Attempt = s.ID, true, s.Attempts+1
	err := a.db.Tx(ctx, func(q *store.Q) error {
		if err := q.InsertDelivery(ctx, d); err != nil {
			return err
		}
		ok, err := q.AdvanceSubscriber(ctx, s.ID, s.DoneID, d.OutboxID, true, false, d.At)
		if err != nil {
			return err
		}
		if !ok {
			return errMoved
		}
		return nil
	})
	if err == nil {
		s.DoneID, s.Attempts, s.FirstFailedAt, s.NextAt = d.OutboxID, 0, nil, nil
	}
	return err
}

// DeliveryFailed records a failed attempt. The next attempt waits
// fenliu.RetryBackoff(attempts, first, max); once the subscriber's retry
// period has passed since the first failure, the entry becomes a dead
// letter and the stream moves on. It reports whether it gave up.
func (a *App) DeliveryFailed(ctx context.Context, s *fenliu.Subscriber, d *fenliu.Delivery, first, max time.Duration) (bool, error) {
	d.SubscriberID, d.OK, d.Attempt = s.ID, false, s.Attempts+1
	now := d.At
	firstFailed := now
	if s.FirstFailedAt != nil {
		firstFailed = *s.FirstFailedAt
	}
	dead := s.FirstFailedAt != nil && s.GivesUp(firstFailed, now)
	next := now.Add(fenliu.RetryBackoff(s.Attempts+1, first, max))
	err := a.db.Tx(ctx, func(q *store.Q) error {
		if err := q.InsertDelivery(ctx, d); err != nil {
			return err
		}
		var (
			ok  bool
			err error
		)
		if dead {
			if err := q.InsertDeadLetter(ctx, &fenliu.DeadLetter{SubscriberID: s.ID, OutboxID: d.OutboxID, Attempts: s.Attempts + 1,
				FirstFailedAt: firstFailed, DeadAt: now, LastError: d.Error}); err != nil {
				return err
			}
			ok, err = q.AdvanceSubscriber(ctx, s.ID, s.DoneID, d.OutboxID, false, true, now)
		} else {
			ok, err = q.FailSubscriber(ctx, s.ID, s.DoneID, d.Error, now, next)
		}
		if err != nil {
			return err
		}
		if !ok {
			return errMoved
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	if dead {
		s.DoneID, s.Attempts, s.FirstFailedAt, s.NextAt = d.OutboxID, 0, nil, nil
	} else {
		s.Attempts++
		s.FirstFailedAt, s.NextAt = &firstFailed, &next
	}
	return dead, nil
}

// ReplaysDue lists the dead letters of a subscriber an administrator asked
// to send again, oldest first, with their messages.
func (a *App) ReplaysDue(ctx context.Context, subscriberID int64) ([]*fenliu.DeadLetter, []*fenliu.OutboxEntry, error) {
	list, err := a.db.DeadLetters(ctx, subscriberID, true, 50)
	if err != nil {
		return nil, nil, err
	}
	entries := make([]*fenliu.OutboxEntry, 0, len(list))
	for _, d := range list {
		e, err := a.db.OutboxEntry(ctx, d.OutboxID)
		if err != nil {
			return nil, nil, err
		}
		entries = append(entries, e)
	}
	return list, entries, nil
}

// Replayed records the attempt of a replay.
func (a *App) Replayed(ctx context.Context, dl *fenliu.DeadLetter, d *fenliu.Delivery) error {
	d.SubscriberID, d.OutboxID, d.Attempt, d.Replay = dl.SubscriberID, dl.OutboxID, dl.Attempts+1, true
	return a.db.Tx(ctx, func(q *store.Q) error {
		if err := q.InsertDelivery(ctx, d); err != nil {
			return err
		}
		return q.ReplayDone(ctx, dl.ID, d.OK, d.Error, d.At)
	})
}

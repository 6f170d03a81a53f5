package app

import (
	"context"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/store"
)

// BeginIdempotent reserves actor's Idempotency-Key for request a. If the
// key was used before, the first answer is returned (or an error: the key
// came with another request, or its first request is still running); nil
// means go on, and finish with EndIdempotent.
func (a *App) BeginIdempotent(ctx context.Context, actor *fenliu.User, req *fenliu.IdempotentAnswer) (*fenliu.IdempotentAnswer, error) {
	if err := fenliu.ValidIdempotencyKey(req.Key); err != nil {
		return nil, err
	}
	req.UserID = actor.ID
	var old *fenliu.IdempotentAnswer
	err := a.db.Tx(ctx, func(q *store.Q) error {
		var err error
		old, err = q.ReserveIdempotency(ctx, req, a.now())
		return err
	})
	if fenliu.ErrorCode(err) == fenliu.EConflict {
		// Reserved at the same moment by a request running in parallel.
		return nil, &fenliu.Error{Code: fenliu.EConflict, Field: "Idempotency-Key", ZH: "使用该 Idempotency-Key 的请求仍在处理中", EN: "a request with this Idempotency-Key is still being processed"}
	}
	if err != nil || old == nil {
		return nil, err
	}
	if err := old.SameRequest(req); err != nil {
		return nil, err
	}
	return old, nil
}

// EndIdempotent keeps the answer to a reserved key; an answer of the
// server's own failure (5xx) is not kept, so the request may be tried again.
func (a *App) EndIdempotent(ctx context.Context, req *fenliu.IdempotentAnswer) error {
	return a.db.Tx(ctx, func(q *store.Q) error {
		if req.Status >= 500 {
			return q.DropIdempotency(ctx, req.UserID, req.Key)
		}
		return q.FinishIdempotency(ctx, req)
	})
}

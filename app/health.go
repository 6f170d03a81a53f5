package app

import (
	"context"
	"fmt"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/store"
)

// Check is one readiness check: what, whether it passed, and why not.
type Check struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail,omitempty"`
}

// Readiness is whether the server can take work, with every check.
type Readiness struct {
	Ready   bool              `json:"ready"`
	Checks  []Check           `json:"checks"`
	Uploads store.UploadStats `json:"uploads"`
	// DiskFree is the bytes free on the database's disk (-1: not known).
	DiskFree int64 `json:"disk_free"`
}

// Ready checks that the database answers and accepts a write, that its disk
// has room (Options.MinFreeDisk) and that the scheduler is running.
func (a *App) Ready(ctx context.Context) *Readiness {
	out := &Readiness{Ready: true, DiskFree: -1}
	add := func(name string, err error) {
		c := Check{Name: name, OK: err == nil}
		if err != nil {
			c.Detail, out.Ready = err.Error(), false
		}
		out.Checks = append(out.Checks, c)
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	add("database", a.db.Ping(ctx))
	add("database_write", a.db.Tx(ctx, func(q *store.Q) error { return q.Probe(ctx, a.now()) }))
	free, known := a.db.DiskFree()
	if known {
		out.DiskFree = free
	}
	add("disk", a.diskRoom())
	if a.opts.SchedulerInterval > 0 { // a server that runs the scheduler
		var err error
		if last := a.lastPass.Load(); last == 0 {
			err = fmt.Errorf("the scheduler has not run")
		} else if ago := time.Since(time.UnixMilli(last)); ago > 3*a.opts.SchedulerInterval+time.Minute {
			err = fmt.Errorf("the scheduler last ran %s ago", ago.Round(time.Second))
		}
		add("scheduler", err)
	}
	if s, err := a.db.UploadStats(ctx); err == nil {
		out.Uploads = s
	}
	return out
}

// diskRoom reports whether the database's disk keeps Options.MinFreeDisk
// free (always, when that cannot be told).
func (a *App) diskRoom() error {
	free, known := a.db.DiskFree()
	if !known || a.opts.MinFreeDisk <= 0 || free >= a.opts.MinFreeDisk {
		return nil
	}
	return &fenliu.Error{Code: fenliu.EUnavailable, ZH: fmt.Sprintf("存储空间不足（剩余 %d MB）", free>>20),
		EN: fmt.Sprintf("the disk is nearly full (%d MB free)", free>>20)}
}

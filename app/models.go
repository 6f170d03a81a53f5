package app

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/catalog"
	"github.com/fenliu/fenliu/store"
	"github.com/fenliu/fenliu/triage"
)

// Trained triage models kept in the database as versions (issue 15): an
// admin installs one (upload, or `fenliu triage-train --install`); it
// becomes active only when it is not worse on safety and not worse on
// units than the active one (triage.Compare, the rule triage-train
// applies); earlier versions are kept and can be made active again
// (rollback). Every server reads the active version's id (one settings
// row) before it triages and loads a new model when it changed — on any
// server of the city, without a restart.

// MaxModelSize bounds an uploaded model file.
const MaxModelSize = 128 << 20

// correctionWeight: a decision that changed the engine's suggestion
// counts this many times when the record is learnt from.
const correctionWeight = 2

// modelState is the model version the server answers with.
type modelState struct {
	mu      sync.Mutex
	loaded  bool
	id      int64  // 0: the engine Options.Triage built (the built-in model)
	catalog string // the catalogue it was loaded for
}

// syncModel loads the active model version when it is not the one held:
// another server (or this one) switched, or the catalogue changed. A
// failure is logged and the engine held stays: triage never stops.
func (a *App) syncModel(ctx context.Context) {
	id, err := a.db.ActiveModelID(ctx)
	if err != nil {
		a.log.Warn("active triage model not read; the engine held stays", "err", err)
		return
	}
	cat := a.Catalog()
	ms := &a.model
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if ms.loaded && ms.id == id && ms.catalog == cat.Version {
		return
	}
	var (
		cl  Classifier
		set bool
	)
	switch {
	case id == 0 && (!ms.loaded || ms.catalog != cat.Version):
		// activate built the built-in engine for this catalogue already.
	case id == 0:
		// Back to what Options.Triage builds (none: no suggestions).
		set = true
		if a.opts.Triage != nil {
			if cl, err = a.opts.Triage(cat); err != nil {
				a.log.Error("built-in triage engine not rebuilt; the engine held stays", "err", err)
				set = false
			}
		}
	default:
		var e *triage.Engine
		if e, err = a.loadModel(ctx, &a.db.Q, id, cat); err != nil {
			a.log.Error("active triage model not loaded; the engine held stays", "model", id, "err", err)
		} else {
			cl, set = e, true
		}
	}
	if set {
		a.mu.Lock()
		a.classifier = cl
		a.mu.Unlock()
	}
	ms.loaded, ms.id, ms.catalog = true, id, cat.Version
}

func (a *App) loadModel(ctx context.Context, q *store.Q, id int64, cat *catalog.Catalog) (*triage.Engine, error) {
	v, err := q.ModelVersion(ctx, id)
	if err != nil {
		return nil, err
	}
	return triage.Load(cat, bytes.NewReader(v.Body))
}

// currentEngine is the engine to compare a new model with: the one the
// server answers with, or the built-in model when that is no triage
// engine (tests' stand-ins).
func (a *App) currentEngine(ctx context.Context) (*triage.Engine, error) {
	a.syncModel(ctx)
	a.mu.RLock()
	cl := a.classifier
	a.mu.RUnlock()
	if e, ok := cl.(*triage.Engine); ok {
		return e, nil
	}
	return triage.ForCatalog(a.Catalog())
}

// ModelInstall is what installing a model did.
type ModelInstall struct {
	Version    *fenliu.ModelVersion `json:"version,omitempty"` // stored and active (nil when refused)
	Evaluation triage.Evaluation    `json:"evaluation"`
}

// InstallModel checks a model file against the active catalogue, compares
// it with the model the server answers with on the corpus' held-out split
// and the held-out slice of the decided incidents, and — when it is not
// worse on safety and units — stores it as a new version and makes it
// active. A worse model is refused (422, with the figures) and not stored.
// actor nil: an operator's command on the database (triage-train --install).
func (a *App) InstallModel(ctx context.Context, actor *fenliu.User, body []byte, note string) (*ModelInstall, error) {
	by := int64(0)
	if actor != nil {
		if err := fenliu.CanManageModels(actor); err != nil {
			return nil, err
		}
		by = actor.ID
	}
	if len(body) == 0 || len(body) > MaxModelSize {
		return nil, &fenliu.Error{Code: fenliu.EInvalid, Field: "model", ZH: "请上传模型文件（128 MB 以内）", EN: "a model file (at most 128 MB) is required"}
	}
	if note = strings.TrimSpace(note); utf8.RuneCountInString(note) > 500 {
		return nil, &fenliu.Error{Code: fenliu.EInvalid, Field: "note", ZH: "备注不超过500字", EN: "the note may have at most 500 characters"}
	}
	cat := a.Catalog()
	e, err := triage.Load(cat, bytes.NewReader(body))
	if err != nil {
		return nil, &fenliu.Error{Code: fenliu.EInvalid, Field: "model", ZH: "模型文件无效或不适用于当前事项清单：" + err.Error(), EN: "model file invalid or not for the active catalogue: " + err.Error()}
	}
	cur, err := a.currentEngine(ctx)
	if err != nil {
		return nil, err
	}
	corpus, err := triage.Corpus()
	if err != nil {
		return nil, err
	}
	history, err := a.DecidedHistory(ctx, cat)
	if err != nil {
		return nil, err
	}
	ev := triage.Compare(cur, e, corpus, history).Evaluation(cur.ModelVersion())
	out := &ModelInstall{Evaluation: ev}
	if !ev.Accepted {
		return out, &fenliu.Error{Code: fenliu.EUnprocessable, Field: "model",
			ZH: "新模型未被采用（安全或派单单位不如当前模型）：" + ev.Why, EN: "new model refused: " + ev.Why}
	}
	evJSON, _ := json.Marshal(ev)
	v := &fenliu.ModelVersion{Version: e.ModelVersion(), CatalogVersion: cat.Version, Body: body, Evaluation: evJSON,
		Note: note, CreatedBy: by, CreatedAt: a.now()}
	err = a.db.Tx(ctx, func(q *store.Q) error {
		if err := q.CreateModelVersion(ctx, v); err != nil {
			return err
		}
		return q.ActivateModel(ctx, v.ID, a.now().UnixMilli())
	})
	if fenliu.ErrorCode(err) == fenliu.EConflict {
		return out, &fenliu.Error{Code: fenliu.EConflict, Field: "model", ZH: "模型版本 " + v.Version + " 已存在", EN: "model version " + v.Version + " already exists"}
	}
	if err != nil {
		return out, err
	}
	v.Active, v.ActivatedAt, v.Size, v.Body = true, a.now(), int64(len(body)), nil
	a.syncModel(ctx)
	out.Version = v
	return out, nil
}

// ModelVersions lists the stored model versions, newest first.
func (a *App) ModelVersions(ctx context.Context, actor *fenliu.User) ([]*fenliu.ModelVersion, error) {
	if actor != nil {
		if err := fenliu.CanManageModels(actor); err != nil {
			return nil, err
		}
	}
	return a.db.ModelVersions(ctx)
}

// ActivateModel makes a kept version the active one again (0: the
// built-in model). Every kept version was accepted when installed; going
// back to one is the admin's decision, so it is not compared again. The
// model must still fit the active catalogue.
func (a *App) ActivateModel(ctx context.Context, actor *fenliu.User, id int64) error {
	if actor != nil {
		if err := fenliu.CanManageModels(actor); err != nil {
			return err
		}
	}
	if id != 0 {
		if _, err := a.loadModel(ctx, &a.db.Q, id, a.Catalog()); err != nil {
			if fenliu.ErrorCode(err) != "" {
				return err
			}
			return &fenliu.Error{Code: fenliu.EUnprocessable, Field: "model", ZH: "该模型版本不适用于当前事项清单：" + err.Error(), EN: "that model version does not fit the active catalogue: " + err.Error()}
		}
	}
	if err := a.db.Tx(ctx, func(q *store.Q) error { return q.ActivateModel(ctx, id, a.now().UnixMilli()) }); err != nil {
		return err
	}
	a.syncModel(ctx)
	return nil
}

// RollbackModel makes the version installed before the active one active
// again (the built-in model when there is none) and returns its id.
func (a *App) RollbackModel(ctx context.Context, actor *fenliu.User) (int64, error) {
	if actor != nil {
		if err := fenliu.CanManageModels(actor); err != nil {
			return 0, err
		}
	}
	vs, err := a.db.ModelVersions(ctx)
	if err != nil {
		return 0, err
	}
	active := int64(-1)
	for _, v := range vs {
		if v.Active {
			active = v.ID
		}
	}
	if active < 0 {
		return 0, &fenliu.Error{Code: fenliu.EUnprocessable, Field: "model", ZH: "当前使用内置模型，没有可回退的版本", EN: "the built-in model is active; there is nothing to roll back"}
	}
	prev := int64(0)
	for _, v := range vs { // newest first
		if v.ID < active {
			prev = v.ID
			break
		}
	}
	return prev, a.ActivateModel(ctx, actor, prev)
}

// ActiveModel returns the model version the server answers with ("" for
// an engine without a version).
func (a *App) ActiveModel(ctx context.Context) string {
	a.syncModel(ctx)
	a.mu.RLock()
	defer a.mu.RUnlock()
	if e, ok := a.classifier.(interface{ ModelVersion() string }); ok {
		return e.ModelVersion()
	}
	return ""
}

// DecidedHistory reads the incidents people decided as history lines for
// cat (the final category and lead unit; the desk's corrections weighted
// up), for training and for comparing models.
func (a *App) DecidedHistory(ctx context.Context, cat *catalog.Catalog) ([]triage.HistoryLine, error) {
	decided, err := a.db.DecidedIncidents(ctx, maxLearning)
	if err != nil {
		return nil, err
	}
	var lines []triage.HistoryLine
	for _, d := range decided {
		h := triage.HistoryLine{ID: "incident-" + strconv.FormatInt(d.ID, 10), Text: d.Text, Disposition: d.Disposition, Weight: 1}
		if cat.Category(d.Category) != nil {
			h.Category = d.Category
		}
		if d.LeadUnit.Valid() {
			h.Units = append(h.Units, d.LeadUnit)
		}
		if h.Category == "" && len(h.Units) == 0 && !d.Disposition.Valid() {
			continue
		}
		if d.Corrected() {
			h.Weight = correctionWeight
		}
		lines = append(lines, h)
	}
	return lines, nil
}

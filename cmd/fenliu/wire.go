package main

import (
	"fmt"
	"sync/atomic"

	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/catalog"
	"github.com/fenliu/fenliu/triage"
)

// wireTriage connects the triage engine to the service layer: the engine is
// trained on the project's corpus for the active catalogue, and rebuilt when
// a new catalogue version becomes active. Call it before LoadCatalog.
func wireTriage(a *app.App) error {
	train, err := triage.TrainingSet()
	if err != nil {
		return fmt.Errorf("triage corpus: %w", err)
	}
	var engine atomic.Pointer[triage.Engine]
	build := func(c *catalog.Catalog) error {
		e, err := triage.New(c, train)
		if err != nil {
			return err
		}
		engine.Store(e)
		return nil
	}
	a.OnCatalog = func(c *catalog.Catalog) {
		if err := build(c); err != nil {
			// The new catalogue is stored and active; keep the previous
			// engine rather than none, and say so.
			fmt.Printf("triage: engine not rebuilt for catalogue %s: %v\n", c.Version, err)
		}
	}
	a.Classifier = func(text string) app.Triage {
		e := engine.Load()
		if e == nil {
			return app.Triage{}
		}
		return fromResult(e.Classify(text))
	}
	return nil
}

func fromResult(r triage.Result) app.Triage {
	return app.Triage{Disposition: r.Disposition, Category: r.Category, CategoryZH: r.CategoryZH, CategoryEN: r.CategoryEN,
		Units: r.Units, Hotline: r.Hotline, Confidence: r.Confidence, Words: r.Reason.Words, Cues: r.Reason.Cues,
		ReasonZH: r.Reason.ZH, ReasonEN: r.Reason.EN, Script: r.Script, CatalogVersion: r.CatalogVersion, AutoDispatch: r.AutoDispatch}
}

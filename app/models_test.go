package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/catalog"
	"github.com/fenliu/fenliu/store"
	"github.com/fenliu/fenliu/store/storetest"
	"github.com/fenliu/fenliu/triage"
)

func realTriage(c *catalog.Catalog) (app.Classifier, error) { return triage.ForCatalog(c) }

// modelFile writes e as a model file.
func modelFile(t *testing.T, e *triage.Engine) ([]byte, string) {
	t.Helper()
	var b bytes.Buffer
	v, err := e.WriteModel(&b)
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), v
}

// TestModelVersions installs trained models through the service layer, on
// one server of two sharing the database: the other triages the next call
// with the new model (no restart) and records its version; a worse model
// is refused and not kept; rollback and switching back work.
func TestModelVersions(t *testing.T) {
	builtin, err := triage.Default()
	if err != nil {
		t.Fatal(err)
	}
	corpus, err := triage.Corpus()
	if err != nil {
		t.Fatal(err)
	}
	// A better-or-equal model: the corpus plus a city's words for a matter.
	var hist []triage.HistoryLine
	train, _ := triage.TrainingSet()
	for i, ex := range train[:60] {
		hist = append(hist, triage.HistoryLine{ID: "city-" + string(rune('a'+i%26)) + ex.ID, Text: ex.Text, Units: ex.UnitsOK, Disposition: ex.Disposition, Weight: 1})
	}
	learned, rep, err := triage.Train(builtin, corpus, hist)
	if err != nil || !rep.Accepted {
		t.Fatalf("training the test model: %v %+v", err, rep)
	}
	good, goodV := modelFile(t, learned)
	// A worse model: trained on a handful of texts.
	weak, err := triage.New(builtin.Catalog(), train[:40])
	if err != nil {
		t.Fatal(err)
	}
	bad, _ := modelFile(t, weak)

	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		open := func() *app.App {
			db, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			return app.New(db, app.Options{Triage: realTriage})
		}
		one, two := open(), open()
		admin := &fenliu.User{Username: "admin", DisplayName: "管理员", Role: fenliu.RoleAdmin}
		if err := one.Bootstrap(ctx, admin, ""); err != nil {
			t.Fatal(err)
		}
		n := 0
		intakeModel := func(a *app.App) string {
			t.Helper()
			n++
			inc, _, err := a.Intake(ctx, admin, fenliu.IncidentInput{Channel: fenliu.Channel110, ChannelRef: "m" + string(rune('a'+n)), Text: "小区门口有人打架，有人流血了"})
			if err != nil {
				t.Fatal(err)
			}
			var tr fenliu.Triage
			if err := json.Unmarshal(inc.Triage, &tr); err != nil {
				t.Fatalf("incident triage %s: %v", inc.Triage, err)
			}
			return tr.ModelVersion
		}
		if got := intakeModel(two); got != builtin.ModelVersion() {
			t.Fatalf("before any install: model %q, want the built-in %q", got, builtin.ModelVersion())
		}
		taker := &fenliu.User{ID: 99, Username: "t", Role: fenliu.RoleCallTaker}
		if _, err := one.InstallModel(ctx, taker, good, ""); fenliu.ErrorCode(err) != fenliu.EForbidden {
			t.Fatalf("a call taker installs a model: %v", err)
		}
		res, err := one.InstallModel(ctx, admin, good, "城市历史")
		if err != nil {
			t.Fatalf("install: %v", err)
		}
		if !res.Evaluation.Accepted || res.Version == nil || !res.Version.Active || res.Version.Version != goodV {
			t.Fatalf("install result %+v", res)
		}
		if got := intakeModel(two); got != goodV {
			t.Fatalf("the other server triaged with %q after the install, want %q", got, goodV)
		}
		res, err = one.InstallModel(ctx, admin, bad, "")
		if fenliu.ErrorCode(err) != fenliu.EUnprocessable || res == nil || res.Evaluation.Accepted {
			t.Fatalf("a worse model: %v %+v", err, res)
		}
		if res.Evaluation.NewCorpus.Dangerous <= res.Evaluation.CurrentCorpus.Dangerous && res.Evaluation.NewCorpus.UnitTop1 >= res.Evaluation.CurrentCorpus.UnitTop1 {
			t.Fatalf("refused without worse figures: %+v", res.Evaluation)
		}
		vs, err := two.ModelVersions(ctx, admin)
		if err != nil || len(vs) != 1 || !vs[0].Active || vs[0].Version != goodV || len(vs[0].Evaluation) == 0 || vs[0].CreatedBy != admin.ID {
			t.Fatalf("versions after the refusal: %v %+v", err, vs)
		}
		if got := intakeModel(one); got != goodV {
			t.Fatalf("after the refusal: %q", got)
		}
		prev, err := one.RollbackModel(ctx, admin)
		if err != nil || prev != 0 {
			t.Fatalf("rollback: %d %v", prev, err)
		}
		if got := intakeModel(two); got != builtin.ModelVersion() {
			t.Fatalf("after rollback the other server triaged with %q", got)
		}
		if _, err := one.RollbackModel(ctx, admin); fenliu.ErrorCode(err) != fenliu.EUnprocessable {
			t.Fatalf("rollback from the built-in model: %v", err)
		}
		if err := two.ActivateModel(ctx, admin, vs[0].ID); err != nil {
			t.Fatal(err)
		}
		if got := intakeModel(one); got != goodV {
			t.Fatalf("switched back: %q", got)
		}
		if err := one.ActivateModel(ctx, admin, 12345); fenliu.ErrorCode(err) != fenliu.ENotFound {
			t.Fatalf("activate a missing version: %v", err)
		}
	})
}

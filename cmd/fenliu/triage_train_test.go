package main

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/fenliu/fenliu"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fenliu/fenliu/demo"
	"github.com/fenliu/fenliu/store/storetest"
)

// TestTriageTrainCommand: triage-train learns from a small history and
// writes a model that classify --model answers with; a missing --out or a
// model for another catalogue is refused.
func TestTriageTrainCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model")
	}
	hist := filepath.Join("..", "..", "triage", "testdata", "history_small.jsonl")
	model := filepath.Join(t.TempDir(), "city.model")
	var out, errOut bytes.Buffer
	err := runTriageTrain(context.Background(), []string{"--history", hist, "--out", model, "--force"}, &out, &errOut)
	if err != nil {
		t.Fatalf("%v\n%s%s", err, out.String(), errOut.String())
	}
	for _, want := range []string{"history lines", "current → new", "unit top-1", "dangerous", "wrote "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	if fi, err := os.Stat(model); err != nil || fi.Size() == 0 {
		t.Fatalf("no model written: %v", err)
	}
	var res bytes.Buffer
	in := `{"id":"a","text":"地铁站出口的扶梯坏了好几天"}` + "\n" + `{"id":"b","text":"楼下有人拿刀砍人"}` + "\n"
	if err := runClassify(context.Background(), []string{"--model", model}, strings.NewReader(in), &res); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(res.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d answers: %s", len(lines), res.String())
	}
	var a, b struct {
		ID          string   `json:"id"`
		Disposition string   `json:"disposition"`
		Units       []string `json:"units"`
	}
	json.Unmarshal([]byte(lines[0]), &a)
	json.Unmarshal([]byte(lines[1]), &b)
	if a.ID != "a" || len(a.Units) == 0 || a.Units[0] != "transport" {
		t.Errorf("metro escalator with the city's model: %s", lines[0])
	}
	if b.ID != "b" || (b.Disposition != "police" && b.Disposition != "joint") {
		t.Errorf("knife attack with the city's model: %s", lines[1])
	}
	if err := runTriageTrain(context.Background(), []string{"--history", hist}, &out, &errOut); err == nil {
		t.Error("no --out accepted")
	}
	mini := filepath.Join("..", "..", "triage", "testdata", "mini.yaml")
	if err := runClassify(context.Background(), []string{"--catalog", mini, "--model", model}, strings.NewReader(in), &res); err == nil || !strings.Contains(err.Error(), "trained for catalogue") {
		t.Errorf("a model for another catalogue: %v", err)
	}
}

// TestClassifyOrder: with several workers the answers keep the input's
// order, across batches.
func TestClassifyOrder(t *testing.T) {
	var in strings.Builder
	texts := []string{"楼下有人打架", "路灯不亮", "停水了", "邻居装修太吵", "孩子走丢了"}
	n := 3*classifyBatch + 7
	for i := 0; i < n; i++ {
		b, _ := json.Marshal(map[string]any{"id": i, "text": texts[i%len(texts)]})
		in.Write(b)
		in.WriteByte('\n')
	}
	var out bytes.Buffer
	if err := runClassify(context.Background(), []string{"--workers", "4"}, strings.NewReader(in.String()), &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != n {
		t.Fatalf("%d answers for %d lines", len(lines), n)
	}
	for i, l := range lines {
		var m struct{ ID int }
		if err := json.Unmarshal([]byte(l), &m); err != nil || m.ID != i {
			t.Fatalf("answer %d is %s", i, l)
		}
	}
}

// TestTriageTrainFromDatabase: --db learns from the incidents people
// decided in a database (the demo city's), on SQLite and PostgreSQL.
func TestTriageTrainFromDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model")
	}
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		db, err := openDB(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		a := newApp(db)
		if err := a.LoadCatalog(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := demo.Load(ctx, a, time.Now().UTC(), 60, 1); err != nil {
			t.Fatal(err)
		}
		decided, err := a.DecidedIncidents(ctx)
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(decided) == 0 {
			t.Fatal("the demo city has no decided incident")
		}
		for _, d := range decided {
			if d.Text == "" || !d.Disposition.Valid() {
				t.Fatalf("decided incident %+v", d)
			}
		}
		model := filepath.Join(t.TempDir(), "db.model")
		var out, errOut bytes.Buffer
		if err := runTriageTrain(ctx, []string{"--db", dsn, "--out", model, "--force"}, &out, &errOut); err != nil {
			t.Fatalf("%v\n%s%s", err, out.String(), errOut.String())
		}
		if !strings.Contains(errOut.String(), "decided incidents") || !strings.Contains(out.String(), "history lines") {
			t.Errorf("report:\n%s%s", errOut.String(), out.String())
		}
		if _, err := os.Stat(model); err != nil {
			t.Fatal(err)
		}
		// --install hands the model to the service layer, which compares
		// it with the active (built-in) model again: kept and active when
		// accepted, else refused (422) and not kept.
		out.Reset()
		ierr := runTriageTrain(ctx, []string{"--db", dsn, "--install", "--force", "--note", "夜班"}, &out, &errOut)
		db, err = openDB(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		vs, err := newApp(db).ModelVersions(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case ierr == nil:
			if len(vs) != 1 || !vs[0].Active || vs[0].Note != "夜班" || !strings.Contains(out.String(), "installed model "+vs[0].Version) {
				t.Fatalf("installed, but versions %+v\n%s", vs, out.String())
			}
		case fenliu.ErrorCode(ierr) == fenliu.EUnprocessable:
			if len(vs) != 0 {
				t.Fatalf("refused (%v), yet kept: %+v", ierr, vs)
			}
		default:
			t.Fatalf("--install: %v\n%s", ierr, out.String())
		}
		t.Logf("--install: %v", ierr)
	})
}

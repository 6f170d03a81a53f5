package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fenliu/fenliu"
)

// classifyCatalog is the catalogue the command tests run on: the built-in
// one, or the triage package's test catalogue while the built-in one is empty.
func classifyCatalog(t *testing.T) []string {
	if e, err := loadEngine("", ""); err == nil {
		disp := map[fenliu.Disposition]bool{}
		for _, c := range e.Catalog().Categories() {
			disp[c.Disposition] = true
		}
		if len(disp) == len(fenliu.Dispositions) {
			return nil
		}
	}
	return []string{"--catalog", filepath.Join("..", "..", "triage", "testdata", "mini.yaml")}
}

func TestClassifyCommand(t *testing.T) {
	in := strings.Join([]string{
		`{"id": "a1", "text": "楼下有人拿刀砍人"}`,
		`not json at all`,
		`{"id": "a2", "text": ""}`,
		``,
		`{"id": 7, "text": "路灯坏了好几天了，晚上黑乎乎的"}`,
		`{"id": "a3", "text": "廚房著火了，火很大"`,
		`{"id": "a4"}`,
		`{"id": "a5", "text": "我想咨询一下委托书怎么公证"}`,
	}, "\n")
	var out bytes.Buffer
	if err := runClassify(context.Background(), classifyCatalog(t), strings.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	var lines []map[string]any
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("output line %q: %v", sc.Text(), err)
		}
		lines = append(lines, m)
	}
	wantIDs := []any{"a1", "", "a2", float64(7), "a3", "a4", "a5"}
	if len(lines) != len(wantIDs) {
		t.Fatalf("%d output lines, want %d:\n%s", len(lines), len(wantIDs), out.String())
	}
	for i, m := range lines {
		if m["id"] != wantIDs[i] {
			t.Errorf("line %d: id %v, want %v", i, m["id"], wantIDs[i])
		}
	}
	for _, i := range []int{1, 2, 4, 5} {
		if _, ok := lines[i]["error"]; !ok || len(lines[i]) != 2 {
			t.Errorf("line %d: want {id, error}, got %v", i, lines[i])
		}
	}
	keys := []string{"category", "confidence", "disposition", "hotline", "id", "units"}
	for _, i := range []int{0, 3, 6} {
		m := lines[i]
		if len(m) != len(keys) {
			t.Errorf("line %d: keys %v, want exactly %v", i, m, keys)
		}
		for _, k := range keys {
			if _, ok := m[k]; !ok {
				t.Errorf("line %d: no %q", i, k)
			}
		}
		d := fenliu.Disposition(m["disposition"].(string))
		units, _ := m["units"].([]any)
		if !d.Valid() || len(units) == 0 {
			t.Errorf("line %d: %v", i, m)
		}
	}
	if d := lines[0]["disposition"]; d != "police" && d != "joint" {
		t.Errorf("knife attack answered %v", d)
	}
	if lines[6]["disposition"] != "redirect" || lines[6]["hotline"] != "12348" {
		t.Errorf("notarisation question answered %v", lines[6])
	}
}

func TestClassifyReasonFlag(t *testing.T) {
	var out bytes.Buffer
	args := append(classifyCatalog(t), "--reason")
	if err := runClassify(context.Background(), args, strings.NewReader(`{"id":"r","text":"樓上有人打架"}`), &out); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(out.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	if _, ok := m["reason"]; !ok {
		t.Errorf("no reason: %s", out.String())
	}
}

func TestTriageEvalCommand(t *testing.T) {
	sample := filepath.Join("..", "..", "triage", "testdata", "sample.jsonl")
	var out bytes.Buffer
	if err := runTriageEval(context.Background(), append(classifyCatalog(t), sample), &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"disposition accuracy", "dangerous", "over-policing", "unit top-1", "unit top-3", "hotline (redirects)", "category accuracy"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	if err := runTriageEval(context.Background(), []string{"--heldout", filepath.Join(t.TempDir(), "missing.jsonl")}, &out); err == nil {
		t.Error("missing file accepted")
	}
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	os.WriteFile(bad, []byte("{nope\n"), 0o644)
	if err := runTriageEval(context.Background(), []string{bad}, &out); err == nil {
		t.Error("bad file accepted")
	}
}

//go:build simbreak

package sim_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fenliu/fenliu/sim"
)

// TestSimulatorCatchesABrokenRule runs the city on a build where the desk's
// queue leaves out returned orders (app/fault_simbreak.go). The simulator
// must stop at the first returned order with the queue invariant and the
// story of that incident, its return among its events.
//
//	go test -tags simbreak -run TestSimulatorCatchesABrokenRule ./sim
func TestSimulatorCatchesABrokenRule(t *testing.T) {
	var out bytes.Buffer
	dsn := filepath.Join(t.TempDir(), "city.db")
	sum, err := sim.Run(context.Background(), sim.Config{DSN: dsn, Days: 3, CallsPerDay: 150, Seed: 7, Out: &out})
	if err == nil {
		t.Fatalf("the simulator passed a city whose desk never sees returned orders\n%s", out.String())
	}
	if sum == nil || sum.Failure == nil {
		t.Fatalf("error without a failure: %v", err)
	}
	f := sum.Failure
	if !strings.Contains(f.Invariant, "exactly one queue") {
		t.Errorf("broken invariant = %q, want the queue invariant", f.Invariant)
	}
	if f.IncidentID == 0 || !strings.Contains(f.Detail, "returned") {
		t.Errorf("failure names no returned order: incident %d, %q", f.IncidentID, f.Detail)
	}
	if !strings.Contains(f.Story, "return") {
		t.Errorf("the story does not show the return:\n%s", f.Story)
	}
	var printed bytes.Buffer
	sum.Print(&printed)
	if !strings.Contains(printed.String(), f.Story) {
		t.Errorf("the summary does not print the story:\n%s", printed.String())
	}
	t.Logf("stopped as it should: %v\n%s", err, f.Story)
}

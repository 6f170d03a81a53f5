package sim_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/fenliu/fenliu/sim"
	"github.com/fenliu/fenliu/store/storetest"
)

// TestCityHoldsTogether plays a few days of a city on each database — on
// PostgreSQL with a second server on the same database — and every
// invariant holds every simulated hour.
func TestCityHoldsTogether(t *testing.T) {
	days, calls := 3, 150
	if testing.Short() || raceBuild {
		days, calls = 2, 60
	}
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		var out bytes.Buffer
		sum, err := sim.Run(context.Background(), sim.Config{DSN: dsn, Days: days, CallsPerDay: calls, Seed: 7, Out: &out})
		if sum != nil {
			sum.Print(&out)
		}
		if err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		t.Log(out.String())
		if sum.Calls < days*calls/2 || sum.Orders < sum.Calls/3 || sum.Checks < days*24 || sum.RateChecks < days {
			t.Fatalf("played too little: %+v", sum)
		}
		for _, want := range []string{"return", "reject", "callback", "verify", "desk decides", "server restart", "routing mode desk_first"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("the run never did %q", want)
			}
		}
	})
}

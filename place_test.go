package fenliu

import "testing"

// TestMatchAddress: the longest pattern wins, house-number ranges decide
// between stretches of one road, and nothing matches nothing.
func TestMatchAddress(t *testing.T) {
	dir := []AddressEntry{
		{ID: 1, AreaID: 10, Pattern: "江南街道民族大道", From: 1, To: 100},
		{ID: 2, AreaID: 11, Pattern: "江南街道民族大道", From: 101, To: 200},
		{ID: 3, AreaID: 12, Pattern: "民族大道"},
		{ID: 4, AreaID: 13, Pattern: "阳光花园"},
		{ID: 5, AreaID: 14, Pattern: "阳光花园北区"},
	}
	for _, c := range []struct {
		addr string
		want int64
	}{
		{"江南街道民族大道37号", 10},
		{"江南街道 民族大道 150 号", 11},
		{"江南街道民族大道999号", 12},
		{"沙井街道民族大道5号", 12},
		{"阳光花园北区3栋", 14},
		{"阳光花园南门", 13},
		{"友爱路1号", 0},
		{"", 0},
	} {
		if got := MatchAddress(dir, c.addr); got != c.want {
			t.Errorf("MatchAddress(%q) = %d, want %d", c.addr, got, c.want)
		}
	}
	for _, bad := range []AddressEntry{{AreaID: 1}, {Pattern: "x"}, {AreaID: 1, Pattern: "x", From: 5, To: 2}, {AreaID: 1, Pattern: "x", From: 5}} {
		if bad.Validate() == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

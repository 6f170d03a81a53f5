package fenliu

import (
	"testing"
	"time"
)

func TestAddWorking(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	c := DefaultCalendar(loc)
	c.Holidays = []string{"2026-10-01", "2026-10-02", "2026-10-05"}
	c.Workdays = []string{"2026-10-10"} // a Saturday worked instead
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		name  string
		start string
		d     time.Duration
		want  string
	}{
		{"inside one day", "2026-11-25 09:00", 2 * time.Hour, "2026-11-25 11:00"},
		{"before opening", "2026-11-25 07:00", time.Hour, "2026-11-25 09:30"},
		{"over the evening", "2026-11-25 16:30", 2 * time.Hour, "2026-11-26 09:30"},
		{"after closing", "2026-11-25 20:00", 30 * time.Minute, "2026-11-26 09:00"},
		{"over the weekend", "2026-11-27 17:00", time.Hour, "2026-11-30 09:00"},
		{"a whole working day", "2026-11-25 08:30", 9 * time.Hour, "2026-11-25 17:30"},
		{"two days", "2026-11-25 08:30", 18 * time.Hour, "2026-11-26 17:30"},
		{"over a holiday", "2026-09-30 17:00", time.Hour, "2026-10-06 09:00"}, // 1, 2 Oct off, 3–4 weekend, 5 off
		{"on a make-up Saturday", "2026-10-10 09:00", time.Hour, "2026-10-10 10:00"},
		{"zero", "2026-11-28 12:00", 0, "2026-11-28 12:00"},
	} {
		if got := c.AddWorking(at(tc.start), tc.d); !got.Equal(at(tc.want)) {
			t.Errorf("%s: %s + %v = %s, want %s", tc.name, tc.start, tc.d, got.In(loc).Format("2006-01-02 15:04"), tc.want)
		}
	}
	if c.Workday(at("2026-10-01 12:00")) || !c.Workday(at("2026-10-10 12:00")) || c.Workday(at("2026-11-28 12:00")) {
		t.Error("workday")
	}
	none := &Calendar{}
	if got := none.AddWorking(at("2026-11-28 12:00"), time.Hour); !got.Equal(at("2026-11-28 13:00")) {
		t.Errorf("no hours: %v", got)
	}
}

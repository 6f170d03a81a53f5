package fenliu

import (
	"fmt"
	"strings"
	"time"
)

// Limits are the time limits (时限) of a work order: from its category in
// the matter catalogue, or a unit type's override (LimitsFor). A zero limit
// sets no deadline.
type Limits struct {
	Sign     Duration `yaml:"sign" json:"sign"`         // 签收
	Arrive   Duration `yaml:"arrive" json:"arrive"`     // 到达 (0: no arrival expected)
	Feedback Duration `yaml:"feedback" json:"feedback"` // 反馈
	Close    Duration `yaml:"close" json:"close"`       // 办结
}

// IsZero reports whether no limit is set.
func (l Limits) IsZero() bool { return l == Limits{} }

// LimitsFor returns the limits an order gets: a unit type's override, when
// the city set one (limits.override.<type>), replaces the category's.
func LimitsFor(category Limits, override *Limits) Limits {
	if override != nil {
		return *override
	}
	return category
}

// Duration is a time.Duration written as "30m", "2h", "3d" or "1d12h".
type Duration time.Duration

// MarshalText writes the compact form (YAML and CSV use it).
func (d Duration) MarshalText() ([]byte, error) { return []byte(FormatDuration(time.Duration(d))), nil }

// UnmarshalText reads "30m", "4h", "3d" or "1d12h".
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// MarshalJSON writes the compact form as a JSON string.
func (d Duration) MarshalJSON() ([]byte, error) {
	return []byte(`"` + FormatDuration(time.Duration(d)) + `"`), nil
}

// UnmarshalJSON reads "30m", "4h", "3d" (or 0).
func (d *Duration) UnmarshalJSON(b []byte) error {
	return d.UnmarshalText([]byte(strings.Trim(string(b), `"`)))
}

// ParseDuration accepts Go durations plus a "d" (24h) unit; empty is zero.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "0" {
		return 0, nil
	}
	var days time.Duration
	if i := strings.IndexByte(s, 'd'); i > 0 {
		var n int
		if _, err := fmt.Sscanf(s[:i], "%d", &n); err != nil || n < 0 || n > 3650 {
			return 0, fmt.Errorf("bad duration %q", s)
		}
		days = time.Duration(n) * 24 * time.Hour
		s = s[i+1:]
		if s == "" {
			return days, nil
		}
	}
	v, err := time.ParseDuration(s)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("bad duration %q", s)
	}
	return days + v, nil
}

// FormatDuration writes d as "3d", "4h", "30m" or "1d12h".
func FormatDuration(d time.Duration) string {
	if d == 0 {
		return "0"
	}
	var b strings.Builder
	if days := d / (24 * time.Hour); days > 0 {
		fmt.Fprintf(&b, "%dd", days)
		d -= days * 24 * time.Hour
	}
	if h := d / time.Hour; h > 0 {
		fmt.Fprintf(&b, "%dh", h)
		d -= h * time.Hour
	}
	if m := d / time.Minute; m > 0 {
		fmt.Fprintf(&b, "%dm", m)
		d -= m * time.Minute
	}
	if d > 0 {
		fmt.Fprintf(&b, "%ds", d/time.Second)
	}
	return b.String()
}

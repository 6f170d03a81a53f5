// Package catalog holds the matter catalogue (事项清单): groups of categories,
// each with its disposition, responsible unit types, hotline, urgency, time
// limits, keywords and examples. It is data a city edits; the default one is
// embedded from default/*.yaml. The package does no I/O beyond reading the
// embedded files and the bytes it is given.
package catalog

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"

	"github.com/fenliu/fenliu"
	"gopkg.in/yaml.v3"
)

// Urgency of a category; it selects default time limits.
type Urgency string

const (
	UrgencyCritical Urgency = "critical" // life or property at immediate risk
	UrgencyUrgent   Urgency = "urgent"   // needs someone on site within hours
	UrgencyNormal   Urgency = "normal"   // a working-day matter
	UrgencyLow      Urgency = "low"      // enquiry or advice
)

// Limits are the default time limits of a category's work orders.
type Limits struct {
	Sign     Duration `yaml:"sign" json:"sign"`         // 签收
	Arrive   Duration `yaml:"arrive" json:"arrive"`     // 到达 (0: no arrival expected)
	Feedback Duration `yaml:"feedback" json:"feedback"` // 反馈
	Close    Duration `yaml:"close" json:"close"`       // 办结
}

// Duration is a time.Duration written as "30m", "2h", "3d" in files.
type Duration time.Duration

// UnmarshalYAML reads "30m", "4h", "3d" or "1d12h".
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseDuration(n.Value)
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
	s := strings.Trim(string(b), `"`)
	v, err := ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes the compact form.
func (d Duration) MarshalYAML() (any, error) { return FormatDuration(time.Duration(d)), nil }

// ParseDuration accepts Go durations plus a "d" (24h) unit; empty is zero.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "0" {
		return 0, nil
	}
	var days time.Duration
	if i := strings.IndexByte(s, 'd'); i > 0 {
		var n int
		if _, err := fmt.Sscanf(s[:i], "%d", &n); err != nil || n < 0 {
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

// Category is one matter of the catalogue.
type Category struct {
	Code         string             `yaml:"code" json:"code"`
	NameZH       string             `yaml:"name_zh" json:"name_zh"`
	NameEN       string             `yaml:"name_en" json:"name_en"`
	Disposition  fenliu.Disposition `yaml:"disposition" json:"disposition"`
	Units        []fenliu.UnitType  `yaml:"units" json:"units"` // lead first, then assisting
	Hotline      string             `yaml:"hotline,omitempty" json:"hotline,omitempty"`
	Urgency      Urgency            `yaml:"urgency" json:"urgency"`
	Limits       Limits             `yaml:"limits" json:"limits"`
	AutoDispatch bool               `yaml:"auto_dispatch,omitempty" json:"auto_dispatch,omitempty"`
	WorkingTime  bool               `yaml:"working_time,omitempty" json:"working_time,omitempty"` // limits count working hours only
	Keywords     []string           `yaml:"keywords" json:"keywords"`
	Examples     []string           `yaml:"examples" json:"examples"`
	Script       string             `yaml:"script,omitempty" json:"script,omitempty"` // sentence read to a redirected caller
	Group        string             `yaml:"-" json:"group"`
}

// Group is a class of categories (e.g. 市容环境).
type Group struct {
	Code       string     `yaml:"code" json:"code"`
	NameZH     string     `yaml:"name_zh" json:"name_zh"`
	NameEN     string     `yaml:"name_en" json:"name_en"`
	Categories []Category `yaml:"categories" json:"categories"`
}

// File is the shape of one catalogue file.
type File struct {
	Version string  `yaml:"version,omitempty" json:"version,omitempty"`
	Groups  []Group `yaml:"groups" json:"groups"`
}

// Catalog is a validated, indexed catalogue.
type Catalog struct {
	Version string
	Groups  []Group
	byCode  map[string]*Category
}

// Category returns the category with the code, or nil.
func (c *Catalog) Category(code string) *Category { return c.byCode[code] }

// Categories returns every category in file order.
func (c *Catalog) Categories() []*Category {
	out := make([]*Category, 0, len(c.byCode))
	for gi := range c.Groups {
		for ci := range c.Groups[gi].Categories {
			out = append(out, &c.Groups[gi].Categories[ci])
		}
	}
	return out
}

//go:embed default/*.yaml
var defaultFS embed.FS

// Default returns the catalogue shipped with Fenliu.
func Default() (*Catalog, error) {
	names, err := fs.Glob(defaultFS, "default/*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var files [][]byte
	for _, n := range names {
		b, err := defaultFS.ReadFile(n)
		if err != nil {
			return nil, err
		}
		files = append(files, b)
	}
	return Parse(files...)
}

// Parse reads one or more YAML catalogue files, merges their groups in order
// and validates the result. The version is the first non-empty one given.
func Parse(files ...[]byte) (*Catalog, error) {
	var all File
	for i, b := range files {
		var f File
		dec := yaml.NewDecoder(strings.NewReader(string(b)))
		dec.KnownFields(true)
		if err := dec.Decode(&f); err != nil {
			return nil, fmt.Errorf("catalogue file %d: %w", i+1, err)
		}
		if all.Version == "" {
			all.Version = f.Version
		}
		all.Groups = append(all.Groups, f.Groups...)
	}
	return New(all)
}

// New validates f and indexes it.
func New(f File) (*Catalog, error) {
	c := &Catalog{Version: f.Version, Groups: f.Groups, byCode: map[string]*Category{}}
	if c.Version == "" {
		c.Version = "unversioned"
	}
	groups := map[string]bool{}
	for gi := range c.Groups {
		g := &c.Groups[gi]
		if g.Code == "" || g.NameZH == "" {
			return nil, fmt.Errorf("group %d: code and name_zh are required", gi+1)
		}
		if groups[g.Code] {
			return nil, fmt.Errorf("group %s: duplicate code", g.Code)
		}
		groups[g.Code] = true
		for ci := range g.Categories {
			cat := &g.Categories[ci]
			cat.Group = g.Code
			if err := cat.validate(); err != nil {
				return nil, fmt.Errorf("group %s: %w", g.Code, err)
			}
			if c.byCode[cat.Code] != nil {
				return nil, fmt.Errorf("category %s: duplicate code", cat.Code)
			}
			c.byCode[cat.Code] = cat
		}
	}
	if len(c.byCode) == 0 {
		return nil, fmt.Errorf("catalogue has no categories")
	}
	return c, nil
}

func (cat *Category) validate() error {
	if cat.Code == "" || cat.NameZH == "" || cat.NameEN == "" {
		return fmt.Errorf("category %q: code, name_zh and name_en are required", cat.Code)
	}
	if !cat.Disposition.Valid() {
		return fmt.Errorf("category %s: unknown disposition %q", cat.Code, cat.Disposition)
	}
	if len(cat.Units) == 0 {
		return fmt.Errorf("category %s: at least one unit type is required", cat.Code)
	}
	for _, u := range cat.Units {
		if !u.Valid() {
			return fmt.Errorf("category %s: unknown unit type %q", cat.Code, u)
		}
	}
	if cat.Disposition.PoliceSide() && !contains(cat.Units, fenliu.UTPolice) {
		return fmt.Errorf("category %s: a %s category must include the police unit type", cat.Code, cat.Disposition)
	}
	if (cat.Disposition == fenliu.DispRedirect) != (cat.Hotline != "") {
		return fmt.Errorf("category %s: a hotline is required for redirect and only for redirect", cat.Code)
	}
	switch cat.Urgency {
	case UrgencyCritical, UrgencyUrgent, UrgencyNormal, UrgencyLow:
	default:
		return fmt.Errorf("category %s: unknown urgency %q", cat.Code, cat.Urgency)
	}
	if cat.Disposition == fenliu.DispDivert && (cat.Limits.Sign <= 0 || cat.Limits.Feedback <= 0 || cat.Limits.Close <= 0) {
		return fmt.Errorf("category %s: sign, feedback and close limits are required for divert", cat.Code)
	}
	if len(cat.Keywords) == 0 {
		return fmt.Errorf("category %s: keywords are required", cat.Code)
	}
	return nil
}

func contains(us []fenliu.UnitType, u fenliu.UnitType) bool {
	for _, x := range us {
		if x == u {
			return true
		}
	}
	return false
}

// Due returns the deadlines of an order dispatched at t under these limits;
// a zero limit sets no deadline. add adds a limit to t: clock time
// (time.Time.Add) or working time (a calendar's AddWorking).
func (l Limits) Due(t time.Time, add func(time.Time, time.Duration) time.Time) (sign, arrive, feedback, close *time.Time) {
	if add == nil {
		add = time.Time.Add
	}
	at := func(d Duration) *time.Time {
		if d <= 0 {
			return nil
		}
		v := add(t, time.Duration(d))
		return &v
	}
	return at(l.Sign), at(l.Arrive), at(l.Feedback), at(l.Close)
}

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

// Limits are a category's time limits (the domain's fenliu.Limits).
type Limits = fenliu.Limits

// Duration is a limit written as "30m", "2h", "3d" in files.
type Duration = fenliu.Duration

// ParseDuration accepts Go durations plus a "d" (24h) unit; empty is zero.
func ParseDuration(s string) (time.Duration, error) { return fenliu.ParseDuration(s) }

// FormatDuration writes d as "3d", "4h", "30m" or "1d12h".
func FormatDuration(d time.Duration) string { return fenliu.FormatDuration(d) }

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
		if !u.Contract() {
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

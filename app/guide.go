package app

import (
	"context"
	"sort"
	"strings"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/catalog"
)

// Public guidance (紧急找110，非紧急找12345): which number to call, made
// from the active catalogue, and an answer for a problem a person types.

// GuideLine is one number and what it is for.
type GuideLine struct {
	Number  string   `json:"number"`
	Kind    string   `json:"kind"` // "110", "12345" or "hotline"
	Matters []string `json:"matters"`
	Script  string   `json:"script,omitempty"` // what the call-taker says when redirecting
}

// GuideAnswer tells a person whom to call for their problem.
type GuideAnswer struct {
	Number     string `json:"number"`
	Emergency  bool   `json:"emergency"` // call 110 now
	Category   string `json:"category,omitempty"`
	CategoryZH string `json:"category_zh,omitempty"`
	CategoryEN string `json:"category_en,omitempty"`
	Script     string `json:"script,omitempty"`
}

// Guide lists the numbers and what each is for, from the catalogue: 110
// for police matters and emergencies, 12345 for the matters it passes to
// the city's units, and the other hotlines with their redirect scripts.
func (a *App) Guide(lang string) []GuideLine {
	cat := a.Catalog()
	police := &GuideLine{Number: "110", Kind: "110"}
	city := &GuideLine{Number: "12345", Kind: "12345"}
	hot := map[string]*GuideLine{}
	name := func(c *catalog.Category) string {
		if lang == "en" {
			return c.NameEN
		}
		return c.NameZH
	}
	for _, c := range cat.Categories() {
		switch {
		case c.Disposition.PoliceSide():
			police.Matters = append(police.Matters, name(c))
		case c.Disposition == fenliu.DispRedirect && c.Hotline != "":
			h := hot[c.Hotline]
			if h == nil {
				h = &GuideLine{Number: c.Hotline, Kind: "hotline", Script: c.Script}
				hot[c.Hotline] = h
			}
			h.Matters = append(h.Matters, name(c))
		default:
			city.Matters = append(city.Matters, name(c))
		}
	}
	out := []GuideLine{*police, *city}
	var nums []string
	for n := range hot {
		nums = append(nums, n)
	}
	sort.Strings(nums)
	for _, n := range nums {
		out = append(out, *hot[n])
	}
	return out
}

// GuideFor answers a problem as typed, with the triage engine: anything on
// the police side, or in its doubt band about danger, is 110 — an
// emergency always goes to 110; a matter for another hotline is that
// hotline, with its script; the rest is 12345.
func (a *App) GuideFor(ctx context.Context, text string) *GuideAnswer {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	if r := []rune(text); len(r) > 500 {
		text = string(r[:500])
	}
	t := a.classify(ctx, text)
	ans := &GuideAnswer{Number: "12345", Category: t.Category}
	c := a.Catalog().Category(t.Category)
	if c != nil {
		ans.CategoryZH, ans.CategoryEN = c.NameZH, c.NameEN
	}
	switch {
	case t.Disposition.PoliceSide() || t.Review || len(t.Danger) > 0:
		ans.Number, ans.Emergency = "110", true
	case t.Disposition == fenliu.DispRedirect && c != nil && c.Hotline != "":
		ans.Number, ans.Script = c.Hotline, c.Script
	}
	return ans
}

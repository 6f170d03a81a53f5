package triage

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

// The rewrite generator tests the engine beyond its corpus: police and
// joint lines it was not trained on are told in other framings — inside a
// question about something else, past and present mixed, by a third
// person, a child or an elderly caller, in dialect and in Traditional
// script, as a call-taker's note, as a written message — and must stay on
// the police side; harmless lines get alarming words (feared,
// hypothetical, past and settled, idioms, a compensation claim) and the
// ones that go to the police side are counted.

// policeFramings rewrite a police or joint line; the danger must survive.
var policeFramings = []struct {
	name string
	f    func(string) string
}{
	{"question", func(s string) string { return "我想咨询一下离婚的手续怎么办，还有就是" + s }},
	{"past_and_present", func(s string) string { return "上个月就出过一次事，报过案，今天又这样了：" + s }},
	{"third_person", func(s string) string { return "我邻居刚给我打电话说，" + s + "，她让我帮忙报警" }},
	{"child", func(s string) string { return "我是小学生，我妈妈不在家，" + s }},
	{"elderly", func(s string) string { return "我七十多岁了，耳朵不太好，" + s }},
	{"dialect", toDialect},
	{"traditional", toTraditional},
	{"call_taker", func(s string) string { return "来电人称：" + s + "。请派员处置。" }},
	{"written", func(s string) string {
		return "关于小区的问题。尊敬的领导：您好！" + s + "希望尽快处理，谢谢！"
	}},
}

// harmlessTwists add alarming words to a harmless line.
var harmlessTwists = []struct {
	name string
	f    func(string) string
}{
	{"feared", func(s string) string { return s + "，万一着火了怎么办" }},
	{"hazard", func(s string) string { return s + "，存在安全隐患，一旦发生火灾后果不堪设想" }},
	{"hypothetical", func(s string) string { return "要是有人摔倒受伤了谁负责？" + s }},
	{"past_settled", func(s string) string {
		return "去年被车撞的事已经赔偿处理完了，今天是另一件事：" + s
	}},
	{"idiom", func(s string) string { return "我真是气得火冒三丈，" + s }},
	{"compensation", func(s string) string { return s + "，上次在这里摔伤的医药费也要求赔偿" }},
}

var dialectWords = []struct{ from, to string }{
	{"什么", "啥"}, {"没有", "冇"}, {"孩子", "娃儿"}, {"打架", "干仗"}, {"我们", "俺们"}, {"怎么", "咋"}, {"知道", "晓得"}, {"家里", "屋头"},
}

func toDialect(s string) string {
	for _, w := range dialectWords {
		s = strings.ReplaceAll(s, w.from, w.to)
	}
	return s
}

var s2tMap = func() map[rune]rune {
	m := map[rune]rune{}
	for tr, si := range t2s() {
		if o, ok := m[si]; !ok || tr < o {
			m[si] = tr
		}
	}
	return m
}()

func toTraditional(s string) string {
	return strings.Map(func(r rune) rune {
		if t, ok := s2tMap[r]; ok {
			return t
		}
		return r
	}, s)
}

// rewriteSets returns the lines the generator starts from: the held-out
// split and the unseen sets (never trained on).
func rewriteSets(t *testing.T) (police, harmless []Example) {
	held, err := HeldoutSet()
	if err != nil {
		t.Fatal(err)
	}
	all := held
	for _, f := range []string{"unseen", "unseen2", "unseen3", "unseen4", "everyday"} {
		all = append(all, readExamples(t, "testdata/"+f+".jsonl")...)
	}
	for _, ex := range all {
		if ex.Disposition.PoliceSide() {
			police = append(police, ex)
		} else {
			harmless = append(harmless, ex)
		}
	}
	return police, harmless
}

type rewriteScore struct {
	name      string
	n, police int
	misses    []string
}

func scoreRewrites(e *Engine, police, harmless []Example) (ps, hs []rewriteScore) {
	for _, fr := range policeFramings {
		s := rewriteScore{name: fr.name}
		for _, ex := range police {
			// the original must be police-side first, so the framing is what is tested
			if !e.Classify(ex.Text).Disposition.PoliceSide() {
				continue
			}
			s.n++
			txt := fr.f(ex.Text)
			if e.Classify(txt).Disposition.PoliceSide() {
				s.police++
			} else {
				s.misses = append(s.misses, ex.ID+" "+txt)
			}
		}
		ps = append(ps, s)
	}
	for _, tw := range harmlessTwists {
		s := rewriteScore{name: tw.name}
		for _, ex := range harmless {
			if e.Classify(ex.Text).Disposition.PoliceSide() {
				continue
			}
			s.n++
			txt := tw.f(ex.Text)
			if e.Classify(txt).Disposition.PoliceSide() {
				s.police++
				s.misses = append(s.misses, ex.ID+" "+txt)
			}
		}
		hs = append(hs, s)
	}
	return ps, hs
}

// TestRewrites: rewritten police lines stay on the police side — all of
// them is the aim; the floors hold what is reached (docs/triage.md), so a
// change that loses more fails — and rewritten harmless lines mostly stay
// off it.
func TestRewrites(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	maxPoliceLost := map[string]float64{"question": 0.08, "past_and_present": 0.02}
	const otherwiseLost, maxHarmlessPoliced = 0.01, 0.04
	e := complete(t)
	police, harmless := rewriteSets(t)
	ps, hs := scoreRewrites(e, police, harmless)
	lost, total := 0, 0
	for _, s := range ps {
		t.Logf("police %-16s %4d/%4d stay police-side", s.name, s.police, s.n)
		lost += s.n - s.police
		total += s.n
		limit, ok := maxPoliceLost[s.name]
		if !ok {
			limit = otherwiseLost
		}
		if float64(s.n-s.police) > limit*float64(s.n) {
			t.Errorf("framing %s: %d of %d police lines went to the non-police side, e.g. %q", s.name, s.n-s.police, s.n, first(s.misses))
		}
	}
	t.Logf("police rewrites: %d of %d lost", lost, total)
	for _, s := range hs {
		t.Logf("harmless %-14s %4d/%4d go to the police side", s.name, s.police, s.n)
		if float64(s.police) > maxHarmlessPoliced*float64(s.n) {
			t.Errorf("twist %s: %d of %d harmless lines went to the police side, e.g. %q", s.name, s.police, s.n, first(s.misses))
		}
	}
}

func first(ss []string) string {
	if len(ss) == 0 {
		return ""
	}
	sort.Strings(ss)
	return fmt.Sprint(ss[0])
}

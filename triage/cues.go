package triage

import (
	_ "embed"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/fenliu/fenliu"
)

// CueKind is a kind of danger the safety layer looks for.
type CueKind string

const (
	CueWeapon    CueKind = "weapon"
	CueViolence  CueKind = "violence"
	CueThreat    CueKind = "threat"
	CueDomestic  CueKind = "domestic_violence"
	CueSexual    CueKind = "sexual_offence"
	CueCaptive   CueKind = "captive" // kidnap, held, cries for help
	CueTrapped   CueKind = "trapped"
	CueSuicide   CueKind = "suicide"
	CueDrowning  CueKind = "drowning"
	CueFall      CueKind = "fall"
	CueMissing   CueKind = "missing_person"
	CueFire      CueKind = "fire"
	CueExplosion CueKind = "explosion"
	CueGas       CueKind = "gas_leak"
	CueInjury    CueKind = "injury_illness"
	CueTraffic   CueKind = "traffic_injury"
	CueDrunk     CueKind = "drunk_driving"
	CueTheft     CueKind = "theft_robbery"
	CueFraud     CueKind = "fraud"
	CueVice      CueKind = "drugs_gambling"
	CueDisorder  CueKind = "public_disorder"
	CueStalking  CueKind = "suspicious_person"
)

// cueInfo says what a kind of danger needs.
type cueInfo struct {
	zh, en   string
	units    []fenliu.UnitType // emergency units it brings besides police
	category string            // the shared default category for it
	// hypo: "afraid it will catch fire" is a hazard report, not a fire;
	// for kinds where it is set, a hypothetical marker weakens the cue.
	hypo bool
}

var cueInfos = map[CueKind]cueInfo{
	CueWeapon:    {"持械", "weapon", nil, "public_safety.threat", false},
	CueViolence:  {"暴力冲突", "violence", nil, "public_safety.fight", false},
	CueThreat:    {"威胁人身安全", "threat to harm", nil, "public_safety.threat", false},
	CueDomestic:  {"家庭暴力", "domestic violence", nil, "public_safety.domestic_violence", false},
	CueSexual:    {"性侵害/猥亵", "sexual offence", nil, "public_safety.threat", false},
	CueCaptive:   {"人身被控制/呼救", "person held or crying for help", nil, "persons.missing", false},
	CueTrapped:   {"人员被困", "person trapped", []fenliu.UnitType{fenliu.UTFireRescue, fenliu.UTMedicalEmergency}, "emergency.person_trapped", true},
	CueSuicide:   {"轻生危险", "suicide risk", []fenliu.UnitType{fenliu.UTFireRescue, fenliu.UTMedicalEmergency}, "emergency.suicide_risk", false},
	CueDrowning:  {"落水", "drowning", []fenliu.UnitType{fenliu.UTFireRescue, fenliu.UTMedicalEmergency}, "emergency.person_trapped", true},
	CueFall:      {"人员坠落", "person falling", []fenliu.UnitType{fenliu.UTMedicalEmergency, fenliu.UTFireRescue}, "emergency.injury_illness", true},
	CueMissing:   {"人员走失", "missing person", nil, "persons.missing", false},
	CueFire:      {"火情", "fire", []fenliu.UnitType{fenliu.UTFireRescue, fenliu.UTMedicalEmergency}, "emergency.fire", true},
	CueExplosion: {"爆炸", "explosion", []fenliu.UnitType{fenliu.UTFireRescue, fenliu.UTMedicalEmergency}, "emergency.gas_leak_explosion", true},
	CueGas:       {"燃气泄漏", "gas leak", []fenliu.UnitType{fenliu.UTFireRescue, fenliu.UTGas}, "emergency.gas_leak_explosion", true},
	CueInjury:    {"人员受伤/急病", "injury or sudden illness", []fenliu.UnitType{fenliu.UTMedicalEmergency}, "emergency.injury_illness", true},
	CueTraffic:   {"交通事故伤人", "traffic accident with injuries", []fenliu.UnitType{fenliu.UTTrafficPolice, fenliu.UTMedicalEmergency}, "emergency.traffic_injury", true},
	CueDrunk:     {"酒驾醉驾", "drunk driving", []fenliu.UnitType{fenliu.UTTrafficPolice}, "", false},
	CueTheft:     {"盗抢", "theft or robbery", nil, "property_crime.theft", false},
	CueFraud:     {"诈骗", "fraud", nil, "fraud.telecom_fraud", false},
	CueVice:      {"涉毒涉赌", "drugs or gambling", nil, "", false},
	CueDisorder:  {"扰乱公共秩序", "public disorder", nil, "public_safety.fight", false},
	CueStalking:  {"可疑人员", "suspicious person", nil, "", false},
}

// da: 打 is violence when a victim or result follows it (da_next) or a
// passive or intensity marker precedes it (da_prev) — unless it starts an
// everyday compound (da_everyday: 打电话, 打车, 打扫, 打工 …) or follows a
// word that makes it a call (da_not_after: 电话打了). The lists are in
// data/words.tsv.
var (
	daNext     = strings.Join(lists.words["da_next"], "")
	daPrev     = strings.Join(lists.words["da_prev"], "")
	daNotAfter = strings.Join(lists.words["da_not_after"], "")
	daEveryd   = runesOf(lists.words["da_everyday"])
)

func daCue(rs []rune, i int) bool {
	if rs[i] != '打' {
		return false
	}
	for _, w := range daEveryd {
		if hasAt(rs, i+1, w) {
			return false
		}
	}
	if i > 0 && strings.ContainsRune(daNotAfter, rs[i-1]) {
		return false // 电话打了, 漏打了, 补打
	}
	if i+1 < len(rs) && strings.ContainsRune(daNext, rs[i+1]) {
		// "我就打了，" (called) — a bare 打了 needs a victim or a passive before it
		if rs[i+1] == '了' && (i+2 >= len(rs) || rs[i+2] == ' ') {
			return i > 0 && strings.ContainsRune(daPrev+"我他她人", rs[i-1])
		}
		return true
	}
	return i > 0 && strings.ContainsRune(daPrev, rs[i-1]) && i+1 < len(rs) && rs[i+1] != ' '
}

type cuePattern struct {
	phrase []rune
	kind   CueKind
	strong bool
}

var cueIndex = func() map[rune][]cuePattern {
	idx := map[rune][]cuePattern{}
	for _, c := range lists.cues {
		rs := []rune(c.norm)
		idx[rs[0]] = append(idx[rs[0]], cuePattern{rs, c.kind, c.strong})
	}
	for r := range idx {
		ps := idx[r]
		sort.Slice(ps, func(i, j int) bool {
			if len(ps[i].phrase) != len(ps[j].phrase) {
				return len(ps[i].phrase) > len(ps[j].phrase)
			}
			if ps[i].strong != ps[j].strong {
				return ps[i].strong
			}
			return ps[i].kind < ps[j].kind
		})
	}
	return idx
}()

// Cue is one danger cue found in a text.
type Cue struct {
	Kind    CueKind `json:"kind"`
	Text    string  `json:"text"`              // as it appears in the caller's text
	Strong  bool    `json:"strong"`            // decides on its own
	Negated bool    `json:"negated,omitempty"` // 没人受伤: found but denied
	Hypo    bool    `json:"hypothetical,omitempty"`
	at, end int
}

func hasAt(rs []rune, i int, p []rune) bool {
	if i < 0 || i+len(p) > len(rs) {
		return false
	}
	for k, r := range p {
		if rs[i+k] != r {
			return false
		}
	}
	return true
}

var (
	negRunes      = runesOf(lists.words["negator"])
	fillerRunes   = runesOf(lists.words["neg_filler"])
	hypoRunes     = runesOf(lists.words["hypo"])
	postHypoRunes = runesOf(lists.words["post_hypo"])
	personWords   = runesOf(lists.words["person"])
	pastWords     = runesOf(lists.words["past"])
	animalWords   = runesOf(lists.words["animal"])
	roadWords     = runesOf(lists.words["road"])
)

func runesOf(ss []string) [][]rune {
	out := make([][]rune, len(ss))
	for i, s := range ss {
		out[i] = []rune(s)
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// negated reports whether the cue at rs[at:] is denied by a negator just
// before it in the same clause, with only filler words between. A question
// (有没有人受伤, 是不是打架) is not a denial.
func negated(rs []rune, at int) bool {
	// walk back over fillers, trying a negator at each point
	var try func(end, depth int) bool
	try = func(end, depth int) bool {
		if end <= 0 || depth > 4 {
			return false
		}
		for _, n := range negRunes {
			s := end - len(n)
			if hasAt(rs, s, n) {
				// questions: 有没有 / 是不是 / 有没 / 是否
				if s > 0 && ((n[0] == '没' && rs[s-1] == '有') || (n[0] == '不' && rs[s-1] == '是') || (n[0] == '无' && rs[s-1] == '有')) {
					continue
				}
				// 不是…而是 keeps the cue when followed by 是; handled by the caller seeing the later cue.
				return true
			}
		}
		for _, f := range fillerRunes {
			s := end - len(f)
			if hasAt(rs, s, f) && try(s, depth+1) {
				return true
			}
		}
		return false
	}
	return try(at, 0)
}

// hypothetical reports a worry marker earlier in the same clause.
func hypothetical(rs []rune, at, end int) bool {
	start := at - 8
	if start < 0 {
		start = 0
	}
	for i := at - 1; i >= start; i-- {
		if rs[i] == ' ' {
			break
		}
		for _, h := range hypoRunes {
			if hasAt(rs, i, h) && i+len(h) <= at {
				return true
			}
		}
	}
	// 火灾隐患, 有爆炸危险: the marker comes after
	for i := end; i < len(rs) && i < end+4; i++ {
		if rs[i] == ' ' {
			break
		}
		for _, h := range postHypoRunes {
			if hasAt(rs, i, h) {
				return true
			}
		}
	}
	return false
}

// findCues returns the danger cues of a normalised text, strongest first
// per kind; denied and hypothetical ones are kept but marked.
func findCues(t *text) []Cue {
	rs := t.runes
	var out []Cue
	covered := -1
	for i := 0; i < len(rs); i++ {
		for _, p := range cueIndex[rs[i]] {
			if !hasAt(rs, i, p.phrase) {
				continue
			}
			end := i + len(p.phrase)
			if end <= covered {
				break // inside a longer cue already taken
			}
			if p.kind == "" {
				covered = end
				break // an exception phrase
			}
			c := Cue{Kind: p.kind, Text: t.span(i, end), Strong: p.strong, at: i, end: end}
			c.Negated = negated(rs, i)
			if !c.Negated && cueInfos[p.kind].hypo && hypothetical(rs, i, end) {
				c.Hypo = true
			}
			out = append(out, c)
			covered = end
			break
		}
		if i >= covered && daCue(rs, i) {
			c := Cue{Kind: CueViolence, Text: t.span(i, i+2), Strong: true, at: i, end: i + 2}
			if i+2 > len(rs) {
				c.Text, c.end = t.span(i, i+1), i+1
			}
			c.Negated = negated(rs, i)
			out = append(out, c)
		}
	}
	// a cat in a pipe is no person trapped: rescue cues about an animal
	// alone only lean
	if mentionsAnimal(rs) && !mentionsPerson(rs) {
		for i := range out {
			switch out[i].Kind {
			case CueTrapped, CueDrowning, CueFall, CueCaptive: // 救命啊，家里进了蛇
				out[i].Strong, out[i].Negated = false, true
			}
		}
	}
	// a past injury in a claim (工伤认定, 医疗纠纷, 已经出院) is no emergency
	// now — unless the cue's own sentence says it is happening again (今天又)
	// and its own clause does not name the past (上次摔伤)
	if pastClaim(rs) {
		segs := t.segments()
		for i := range out {
			switch out[i].Kind {
			case CueInjury, CueTraffic, CueFall, CueFraud, CueViolence:
				s := segmentOf(segs, out[i].at)
				a, b := clauseOf(rs, out[i].at, out[i].end)
				if anyAt(rs[a:b], pastWords) || !anyAt(rs[s[0]:s[1]], presentWords) {
					out[i].Hypo = true
				}
			}
		}
	}
	// "不见了" is a lost phone or a lost child: with a person word it counts
	for i := range out {
		if out[i].Kind == CueMissing && !out[i].Strong && !out[i].Negated && mentionsPerson(rs) {
			out[i].Strong = true
		}
	}
	return out
}

// clauseOf returns the clause (between separators) around runes [at, end).
func clauseOf(rs []rune, at, end int) (int, int) {
	a, b := at, end
	for a > 0 && rs[a-1] != ' ' {
		a--
	}
	for b < len(rs) && rs[b] != ' ' {
		b++
	}
	return a, b
}

func pastClaim(rs []rune) bool {
	for i := range rs {
		for _, w := range pastWords {
			if hasAt(rs, i, w) {
				return true
			}
		}
	}
	return false
}

func mentionsAnimal(rs []rune) bool {
	for i := range rs {
		for _, w := range animalWords {
			if hasAt(rs, i, w) {
				return true
			}
		}
	}
	return false
}

func mentionsPerson(rs []rune) bool {
	for i := range rs {
		for _, w := range personWords {
			if hasAt(rs, i, w) {
				return true
			}
		}
	}
	return false
}

// active reports whether the cue counts at full strength.
func (c Cue) active() bool { return c.Strong && !c.Negated && !c.Hypo }

// leaning reports whether the cue at least leans to the police side.
func (c Cue) leaning() bool { return !c.Negated }

func runeLen(s string) int { return utf8.RuneCountInString(s) }

func onRoad(rs []rune) bool {
	for i := range rs {
		for _, w := range roadWords {
			if hasAt(rs, i, w) {
				return true
			}
		}
	}
	return false
}

package fenliu

import "strings"

// Green channels (绿色通道): fast routes for matters where a partner team
// must be engaged at once — a person in psychological crisis, a missing
// child or elderly person, a danger at a school, money being taken, a woman
// or child at risk, someone in urgent need. A channel matches an incident
// by its category or by the kinds of danger triage found; it brings in its
// partner units beside the responsible ones, and gives the incident a
// priority. How fast a partner is engaged (intake to the partner signing
// for its order) is a rate (metrics: partner_engaged).

// GreenChannel is one fast route, data a city edits (the setting
// green_channels; DefaultGreenChannels otherwise).
type GreenChannel struct {
	Code       string     `json:"code"`
	NameZH     string     `json:"name_zh"`
	NameEN     string     `json:"name_en"`
	Categories []string   `json:"categories,omitempty"` // catalogue categories it covers
	Danger     []string   `json:"danger,omitempty"`     // or kinds of danger triage found
	Partners   []UnitType `json:"partners"`             // the partner teams brought in
	Priority   int        `json:"priority"`             // 1 high, 2 urgent
}

// Priorities.
const (
	PriorityNormal = 0
	PriorityHigh   = 1
	PriorityUrgent = 2
)

// DefaultGreenChannels are the six channels the seeds name.
var DefaultGreenChannels = []GreenChannel{
	{Code: "psych_crisis", NameZH: "心理危机干预", NameEN: "Psychological crisis", Categories: []string{"emergency.suicide_risk", "psych.emotional_distress"},
		Danger: []string{"suicide"}, Partners: []UnitType{UTPsychCrisis}, Priority: PriorityUrgent},
	{Code: "missing_vulnerable", NameZH: "走失人员搜寻（儿童、老人、失智及精神障碍者）", NameEN: "Missing vulnerable persons", Categories: []string{"persons.missing", "persons.child_at_risk"},
		Danger: []string{"missing_person"}, Partners: []UnitType{UTVolunteerRescue}, Priority: PriorityUrgent},
	{Code: "campus_safety", NameZH: "校园安全", NameEN: "Campus safety", Categories: []string{"schooling.school_safety", "schooling.school_bus"},
		Partners: []UnitType{UTEducation}, Priority: PriorityHigh},
	{Code: "financial_security", NameZH: "金融安全（电诈止付）", NameEN: "Financial security", Categories: []string{"fraud.telecom_fraud", "fraud.online_fraud", "fraud.scam_in_person"},
		Danger: []string{"fraud"}, Partners: []UnitType{UTMarketRegulation}, Priority: PriorityUrgent},
	{Code: "women_children", NameZH: "妇女儿童权益保护", NameEN: "Women's and children's rights", Categories: []string{"public_safety.domestic_violence", "persons.child_at_risk", "public_safety.sexual_harassment"},
		Danger: []string{"domestic_violence", "sexual_offence"}, Partners: []UnitType{UTWomenChildren}, Priority: PriorityHigh},
	{Code: "urgent_aid", NameZH: "急难救助", NameEN: "Urgent aid", Categories: []string{"welfare.homeless_assistance", "welfare.subsistence_allowance"},
		Partners: []UnitType{UTSocialAid}, Priority: PriorityHigh},
}

// MatchGreenChannel returns the first channel covering the category, or
// else the first matching one of the danger kinds; nil if none does.
func MatchGreenChannel(channels []GreenChannel, category string, danger []string) *GreenChannel {
	for i := range channels {
		for _, c := range channels[i].Categories {
			if c == category && c != "" {
				return &channels[i]
			}
		}
	}
	for i := range channels {
		for _, d := range channels[i].Danger {
			for _, x := range danger {
				if strings.EqualFold(d, x) {
					return &channels[i]
				}
			}
		}
	}
	return nil
}

// Validate checks a channel.
func (g *GreenChannel) Validate() error {
	if err := required("code", "编码", g.Code); err != nil {
		return err
	}
	if err := required("name_zh", "名称", g.NameZH); err != nil {
		return err
	}
	if len(g.Partners) == 0 {
		return &Error{Code: EInvalid, Field: "partners", ZH: "绿色通道至少要有一个合作单位类型", EN: "a green channel names at least one partner unit type"}
	}
	for _, p := range g.Partners {
		if !p.Valid() {
			return Errorf(EInvalid, "partners", "未知的单位类型「%s」", "unknown unit type %q", p)
		}
	}
	if g.Priority < PriorityNormal || g.Priority > PriorityUrgent {
		return &Error{Code: EInvalid, Field: "priority", ZH: "优先级必须是 0、1 或 2", EN: "priority must be 0, 1 or 2"}
	}
	return nil
}

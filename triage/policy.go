package triage

// The safety policy: given what the models and the danger cues say about
// a text, is the answer on the police side, why, and must the call-taker
// verify it with the caller? "Surely" is an undenied strong danger cue or
// the category model's own confident police-side answer; the doubt band —
// police side with review — is a non-police answer whose police-side
// alternatives together are too likely, or that the danger model
// (danger.go) cannot rule out, or a text with nothing known in it; the
// rest is "surely not". It can only move an answer to the police side;
// it is a plain function, table-tested in policy_test.go.

// Rules an answer can be decided by (Reason.Rule).
const (
	RuleModel       = "model"             // the category model's own answer
	RuleDangerCue   = "danger_cue"        // an undenied strong danger cue
	RulePoliceDoubt = "police_side_doubt" // the police-side categories together are too likely to rule out
	RuleDangerDoubt = "danger_doubt"      // the danger model cannot rule danger out
	RuleUnknown     = "unknown_text"      // nothing in the text is known: police first
	RuleSentence    = "sentence_doubt"    // one sentence alone is a police matter, or cannot rule danger out
)

// Thresholds of the safety policy (variables so experiments can vary them;
// docs/triage.md says how they were chosen).
var (
	// policeDoubt: a non-police top answer falls to the police side when
	// the police-side categories together have at least this probability.
	policeDoubt = 0.5
	// policeDoubtWeak applies instead when a weak danger cue leans that way.
	policeDoubtWeak = 0.2
	// policeKeep: a police-side top answer stands when the police side
	// together has at least this probability.
	policeKeep = 0.3
	// dangerDoubt: from this probability of the danger model up, a text the
	// category model calls non-police is in the doubt band — police side,
	// with review.
	dangerDoubt = 0.8
	// sentenceKeep and sentenceDanger replace policeKeep and dangerDoubt
	// for one sentence weighed alone.
	sentenceKeep   = 0.5
	sentenceDanger = 0.95
)

// SafetyInput is what the policy decides on.
type SafetyInput struct {
	TopPolice  bool    // the category model's likeliest category is police-side
	PPolice    float64 // the police-side categories' probability together
	Danger     float64 // the danger model's probability
	Strong     bool    // an undenied, unfeared strong danger cue
	WeakKinds  int     // kinds of weak cues leaning to the police side (not only feared)
	Meaningful bool    // the text has a feature the models know
	// Sentence: the input is one sentence of a text of several, weighed
	// alone; it needs more to be on the police side (sentenceKeep,
	// sentenceDanger), as a long message has many sentences to err in.
	Sentence bool
	// SentencePolice: one sentence of a text of several, weighed alone by
	// this policy, is on the police side.
	SentencePolice bool
}

// SafetyDecision is the policy's answer.
type SafetyDecision struct {
	Police bool   // the answer is on the police side
	Rule   string // what decided it (Rule…)
	Review bool   // the doubt band: the call-taker verifies (可能涉警，请核实)
}

// SafetyPolicy decides the side of an answer.
func SafetyPolicy(in SafetyInput) SafetyDecision {
	keep, danger := policeKeep, dangerDoubt
	if in.Sentence {
		keep, danger = sentenceKeep, sentenceDanger
	}
	doubt := policeDoubt
	if in.WeakKinds > 0 {
		doubt = policeDoubtWeak
	}
	switch {
	case in.Strong:
		if in.TopPolice {
			return SafetyDecision{Police: true, Rule: RuleModel}
		}
		return SafetyDecision{Police: true, Rule: RuleDangerCue}
	case !in.Meaningful:
		return SafetyDecision{Police: true, Rule: RuleUnknown, Review: true}
	case in.TopPolice && in.PPolice >= keep:
		return SafetyDecision{Police: true, Rule: RuleModel}
	case in.WeakKinds >= 2:
		// weak signs of two kinds of danger together (响了一声 + 黄烟), whatever
		// the category model says: a city's history may have taught it that
		// such words are a complaint
		return SafetyDecision{Police: true, Rule: RulePoliceDoubt, Review: true}
	case in.PPolice >= doubt:
		return SafetyDecision{Police: true, Rule: RulePoliceDoubt, Review: true}
	case in.Danger >= danger:
		return SafetyDecision{Police: true, Rule: RuleDangerDoubt, Review: true}
	case in.SentencePolice:
		return SafetyDecision{Police: true, Rule: RuleSentence, Review: true}
	}
	// the police side is unlikely: the best non-police category, even when
	// one police category edges ahead
	return SafetyDecision{Police: false, Rule: RuleModel}
}

// askFor is the question to put to the caller in the doubt band, by the
// kind of danger the text leans to.
var askFor = map[CueKind][2]string{
	CueWeapon:    {"对方现在手里有刀棍等器械吗？您现在安全吗？", "Is anyone holding a knife, a stick or another weapon now? Are you safe?"},
	CueViolence:  {"现在有人在动手或受伤吗？对方还在现场吗？", "Is anyone being hit or hurt right now? Is the other person still there?"},
	CueThreat:    {"对方说要伤害谁？现在人在哪里，您现在安全吗？", "Whom did they threaten to harm? Where are they now, and are you safe?"},
	CueDomestic:  {"现在家里有人在动手吗？有没有人受伤，孩子安全吗？", "Is anyone at home being hit now? Is anyone hurt, are the children safe?"},
	CueSexual:    {"对方是否碰了受害人，人还在现场吗？受害人多大？", "Did they touch the victim, are they still there? How old is the victim?"},
	CueCaptive:   {"有人被限制离开吗？现在能自由走动吗？", "Is someone being kept from leaving? Can they move freely now?"},
	CueTrapped:   {"现在有人被困在里面吗？几个人，有没有受伤？", "Is anyone trapped inside now? How many, is anyone hurt?"},
	CueSuicide:   {"这个人现在在哪里，是否有轻生的举动？", "Where is the person now, and are they about to harm themselves?"},
	CueDrowning:  {"现在有人落水吗？在哪个位置？", "Is anyone in the water now? Where exactly?"},
	CueFall:      {"有人坠落或悬空吗？现在情况怎样？", "Has anyone fallen or is anyone hanging? How are they now?"},
	CueMissing:   {"走失的人多大年纪，什么时候、在哪里最后见到？", "How old is the missing person, when and where were they last seen?"},
	CueFire:      {"现在有明火或浓烟吗？有没有人被困？", "Is there a flame or thick smoke now? Is anyone trapped?"},
	CueExplosion: {"刚才是爆炸吗？有没有人受伤，还有没有气味或火？", "Was it an explosion? Is anyone hurt, is there still a smell or a fire?"},
	CueGas:       {"现在闻到很浓的燃气味吗？有人不舒服吗？请勿开关电器。", "Is there a strong smell of gas now? Is anyone unwell? Do not switch anything on or off."},
	CueInjury:    {"现在有人受伤或身体不适吗？需要叫救护车吗？", "Is anyone injured or unwell now? Is an ambulance needed?"},
	CueTraffic:   {"有人受伤吗？车辆还在路上挡着吗？", "Is anyone hurt? Are the vehicles still blocking the road?"},
	CueDrunk:     {"司机现在还在开车吗？车牌号和方向是？", "Is the driver still driving? Plate number and direction?"},
	CueTheft:     {"事情是正在发生还是已经发生？嫌疑人还在现场吗？", "Is it happening now or over? Is the suspect still there?"},
	CueFraud:     {"钱已经转出去了吗？对方现在还在联系您吗？", "Has money already been sent? Are they still in contact with you?"},
	CueVice:      {"现场现在有人在吸毒或赌博吗？地址在哪里？", "Is anyone taking drugs or gambling there now? What is the address?"},
	CueDisorder:  {"现场有多少人，有没有人动手或受伤？", "How many people are there, is anyone fighting or hurt?"},
	CueStalking:  {"这个人现在还在附近吗？有什么异常举动？", "Is the person still nearby? What are they doing?"},
}

// askGeneric is the question when no kind of danger is named.
var askGeneric = [2]string{"现在有没有人身处危险、受伤，或者正在发生违法犯罪？", "Is anyone in danger or hurt right now, or is a crime under way?"}

// ask returns the question for the doubt band: the first kind of danger
// the text leans to, or denies, else the generic one.
func (e *Engine) ask(active, leaning, denied []Cue) (string, string) {
	for _, cs := range [][]Cue{active, leaning, denied} {
		for _, c := range cs {
			if q, ok := askFor[c.Kind]; ok {
				return q[0], q[1]
			}
		}
	}
	return askGeneric[0], askGeneric[1]
}

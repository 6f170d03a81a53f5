package triage

import "testing"

// TestSafetyPolicy: the named policy, rule by rule.
func TestSafetyPolicy(t *testing.T) {
	known := SafetyInput{Meaningful: true}
	with := func(f func(*SafetyInput)) SafetyInput { in := known; f(&in); return in }
	for _, tc := range []struct {
		name   string
		in     SafetyInput
		police bool
		rule   string
		review bool
	}{
		{"nothing points to police", known, false, RuleModel, false},
		{"strong cue overrides a non-police answer", with(func(i *SafetyInput) { i.Strong = true }), true, RuleDangerCue, false},
		{"strong cue agrees with the model", with(func(i *SafetyInput) { i.Strong, i.TopPolice, i.PPolice = true, true, 0.9 }), true, RuleModel, false},
		{"nothing known: police first, verify", SafetyInput{}, true, RuleUnknown, true},
		{"model's own police answer stands", with(func(i *SafetyInput) { i.TopPolice, i.PPolice = true, policeKeep }), true, RuleModel, false},
		{"a lone police category among unlikely ones", with(func(i *SafetyInput) { i.TopPolice, i.PPolice = true, policeKeep-0.01 }), false, RuleModel, false},
		{"police side too likely to rule out", with(func(i *SafetyInput) { i.PPolice = policeDoubt }), true, RulePoliceDoubt, true},
		{"just below the doubt", with(func(i *SafetyInput) { i.PPolice = policeDoubt - 0.01 }), false, RuleModel, false},
		{"a weak cue lowers the doubt", with(func(i *SafetyInput) { i.PPolice, i.WeakKinds = policeDoubtWeak, 1 }), true, RulePoliceDoubt, true},
		{"a weak cue, police side unlikely", with(func(i *SafetyInput) { i.PPolice, i.WeakKinds = policeDoubtWeak-0.01, 1 }), false, RuleModel, false},
		{"two kinds of weak cue, whatever the model", with(func(i *SafetyInput) { i.PPolice, i.WeakKinds = 0, 2 }), true, RulePoliceDoubt, true},
		{"danger model in its band", with(func(i *SafetyInput) { i.Danger = dangerDoubt }), true, RuleDangerDoubt, true},
		{"danger model below its band", with(func(i *SafetyInput) { i.Danger = dangerDoubt - 0.01 }), false, RuleModel, false},
		{"one sentence alone is police", with(func(i *SafetyInput) { i.SentencePolice = true }), true, RuleSentence, true},
		{"a sentence needs more to keep a police answer", with(func(i *SafetyInput) { i.Sentence, i.TopPolice, i.PPolice = true, true, sentenceKeep-0.01 }), false, RuleModel, false},
		{"a sentence with a confident police answer", with(func(i *SafetyInput) { i.Sentence, i.TopPolice, i.PPolice = true, true, sentenceKeep }), true, RuleModel, false},
		{"a sentence needs more danger", with(func(i *SafetyInput) { i.Sentence, i.Danger = true, sentenceDanger-0.01 }), false, RuleModel, false},
		{"a sentence sure of danger", with(func(i *SafetyInput) { i.Sentence, i.Danger = true, sentenceDanger }), true, RuleDangerDoubt, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := SafetyPolicy(tc.in)
			if d.Police != tc.police || d.Rule != tc.rule || d.Review != tc.review {
				t.Errorf("SafetyPolicy(%+v) = %+v, want police %v rule %s review %v", tc.in, d, tc.police, tc.rule, tc.review)
			}
		})
	}
	// The policy never moves an answer off the police side: every input
	// whose model answer is confidently police stays police.
	for _, in := range []SafetyInput{{TopPolice: true, PPolice: 1, Meaningful: true}, {TopPolice: true, PPolice: 1, Meaningful: true, Danger: 0}, {Strong: true}} {
		if !SafetyPolicy(in).Police {
			t.Errorf("%+v left the police side", in)
		}
	}
}

// TestReview: answers in the doubt band are police-side, say review, ask
// the caller a question, and are never dispatched automatically.
func TestReview(t *testing.T) {
	e := complete(t)
	for _, text := range []string{
		"我想咨询一下离婚的手续怎么办，还有就是我们店里刚刚有客人把两支手机放进包包就走了，店员追出去看到他往公园那边跑",
		"？？？",
	} {
		r := e.Classify(text)
		checkValid(t, text, r)
		if !r.Disposition.PoliceSide() {
			t.Errorf("%q: %s %s (%s), want the police side", text, r.Disposition, r.Category, r.Rule)
		}
		if !r.Review || r.AskZH == "" || r.AskEN == "" || r.AutoDispatch {
			t.Errorf("%q: review without a question, or auto-dispatched: %+v", text, r)
		}
	}
	r := e.Classify("？？？")
	if !r.Review || r.Rule != RuleUnknown {
		t.Errorf("an unreadable text: review %v rule %s", r.Review, r.Rule)
	}
	if r := e.Classify("楼下有人拿刀砍人"); r.Review {
		t.Errorf("a sure danger is under review: %+v", r.Rule)
	}
	if r := e.Classify("小区的路灯坏了好几天了"); r.Review || r.Disposition.PoliceSide() {
		t.Errorf("a street light: %s review %v", r.Disposition, r.Review)
	}
}

package fenliu

// LowConfidence is the confidence under which the desk shows the engine's
// answer as a warning: the call-taker must confirm it with the caller
// before transferring.
const LowConfidence = 0.5

// Doubtful reports whether the call-taker must check a suggestion with the
// caller before acting on it: the engine is in its doubt band about danger
// (Review, with what to ask), or its confidence is low.
func (t *Triage) Doubtful() bool {
	return t != nil && (t.Review || t.Confidence < LowConfidence)
}

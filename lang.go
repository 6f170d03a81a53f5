package fenliu

import (
	"strings"
	"unicode"
)

// BilingualSep separates the two languages of a text the system writes
// itself (notices, system notes): "中文 / English".
const BilingualSep = " / "

// Bilingual writes a system text in both languages.
func Bilingual(zh, en string) string { return zh + BilingualSep + en }

// InLanguage picks one language from a system text written by Bilingual:
// "en" gets the English part, any other language the Chinese part. A text
// that is not in that form — what a person wrote — is returned whole: the
// part before the separator must hold Chinese and the part after none.
func InLanguage(text, lang string) string {
	zh, en, ok := strings.Cut(text, BilingualSep)
	if !ok || !hasHan(zh) || hasHan(en) || strings.TrimSpace(en) == "" {
		return text
	}
	if lang == "en" {
		return en
	}
	return zh
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// EN is the notice kind's English name (for the system's bilingual texts).
func (k NoticeKind) EN() string {
	switch k {
	case NoticeWarning:
		return "due soon"
	case NoticeOverdue:
		return "overdue"
	case NoticeSupervision:
		return "supervision notice"
	case NoticeEscalation:
		return "escalated"
	case NoticeRectification:
		return "rectification request"
	}
	return string(k)
}

// EN is the stage's English name (for the system's bilingual texts).
func (s Stage) EN() string {
	switch s {
	case StageSign:
		return "sign-for"
	case StageArrive:
		return "arrival"
	case StageFeedback:
		return "feedback"
	case StageClose:
		return "closing"
	case StageCallback:
		return "callback"
	}
	return string(s)
}

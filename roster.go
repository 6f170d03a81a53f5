package fenliu

import (
	"strings"
	"time"
)

// Shift is one duty-roster entry (勤务报备): who is on duty for a unit when.
type Shift struct {
	ID       int64     `json:"id"`
	UnitID   int64     `json:"unit_id"`
	StartsAt time.Time `json:"starts_at"`
	EndsAt   time.Time `json:"ends_at"`
	Person   string    `json:"person"`
	Phone    string    `json:"phone"`
}

// MaxShift is the longest one roster entry may last.
const MaxShift = 7 * 24 * time.Hour

// Validate checks a roster entry; it trims its text in place.
func (s *Shift) Validate() error {
	s.Person, s.Phone = strings.TrimSpace(s.Person), strings.TrimSpace(s.Phone)
	if s.UnitID <= 0 {
		return &Error{Code: EInvalid, Field: "unit_id", ZH: "必须指定单位", EN: "unit_id is required"}
	}
	if !s.EndsAt.After(s.StartsAt) || s.EndsAt.Sub(s.StartsAt) > MaxShift {
		return &Error{Code: EInvalid, Field: "ends_at", ZH: "结束时间必须晚于开始时间，且一个班次不超过7天", EN: "a shift must end after it starts and last at most 7 days"}
	}
	if s.Person == "" {
		return &Error{Code: EInvalid, Field: "person", ZH: "值班人员不能为空", EN: "person on duty is required"}
	}
	if err := checkText("person", "值班人员", s.Person, MaxShortRunes); err != nil {
		return err
	}
	if s.Phone != "" && !validPhone(s.Phone) {
		return &Error{Code: EInvalid, Field: "phone", ZH: "值班电话只能包含数字、空格、+ 和 -", EN: "phone may hold only digits, spaces, + and -"}
	}
	return checkText("phone", "值班电话", s.Phone, 40)
}

// RoutingRule sends a category's or unit type's orders, optionally in one
// area (and everything under it), to a named unit. It is data a city edits;
// package route applies it.
type RoutingRule struct {
	ID       int64    `json:"id"`
	Category string   `json:"category,omitempty"`
	UnitType UnitType `json:"unit_type,omitempty"`
	AreaID   int64    `json:"area_id,omitempty"`
	UnitID   int64    `json:"unit_id"`
	Note     string   `json:"note,omitempty"`
}

// Validate checks a routing rule.
func (r *RoutingRule) Validate() error {
	if r.UnitID <= 0 {
		return &Error{Code: EInvalid, Field: "unit_id", ZH: "必须指定单位", EN: "unit_id is required"}
	}
	if r.UnitType != "" && !r.UnitType.Valid() {
		return Errorf(EInvalid, "unit_type", "未知的单位类型「%s」", "unknown unit type %q", r.UnitType)
	}
	if r.Category == "" && r.UnitType == "" {
		return &Error{Code: EInvalid, Field: "category", ZH: "规则至少要指定事项或单位类型", EN: "a rule names a category or a unit type"}
	}
	if err := checkText("category", "事项类别", r.Category, MaxShortRunes); err != nil {
		return err
	}
	return checkText("note", "备注", r.Note, MaxNoteRunes)
}

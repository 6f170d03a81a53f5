package app

import (
	"context"
	"encoding/json"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/catalog"
	"github.com/fenliu/fenliu/store"
)

// Settings for time limits.
const (
	SettingCalendar      = "calendar"         // JSON fenliu.Calendar: working hours, holidays, make-up workdays
	SettingLimitOverride = "limits.override." // + unit type: JSON catalog.Limits replacing the category's
)

// calendar reads the city's working calendar (default 08:30–17:30 on
// weekdays, in the city's time zone).
func (a *App) calendar(ctx context.Context, q *store.Q) (*fenliu.Calendar, error) {
	loc := time.FixedZone("CST", 8*3600)
	if tz, err := q.Setting(ctx, SettingTimeZone); err != nil {
		return nil, err
	} else if tz != "" {
		if l, err := time.LoadLocation(tz); err == nil {
			loc = l
		}
	}
	cal := fenliu.DefaultCalendar(loc)
	raw, err := q.Setting(ctx, SettingCalendar)
	if err != nil || raw == "" {
		return cal, err
	}
	if err := json.Unmarshal([]byte(raw), cal); err != nil {
		return nil, err
	}
	cal.Location = loc
	return cal.Sorted(), nil
}

// limitsFor applies a unit type's override of the category's limits.
func (a *App) limitsFor(ctx context.Context, q *store.Q, l catalog.Limits, t fenliu.UnitType) (catalog.Limits, error) {
	raw, err := q.Setting(ctx, SettingLimitOverride+string(t))
	if err != nil || raw == "" {
		return l, err
	}
	var o catalog.Limits
	if err := json.Unmarshal([]byte(raw), &o); err != nil {
		return l, err
	}
	return o, nil
}

// SetCalendar stores the city's working calendar.
func (a *App) SetCalendar(ctx context.Context, actor *fenliu.User, c *fenliu.Calendar) error {
	if err := fenliu.CanAdminister(actor); err != nil {
		return err
	}
	if c.DayEnd <= c.DayStart || c.DayEnd > 24*time.Hour {
		return &fenliu.Error{Code: fenliu.EInvalid, Field: "day_end", ZH: "下班时间必须晚于上班时间", EN: "day_end must be after day_start"}
	}
	for _, d := range append(append([]string{}, c.Holidays...), c.Workdays...) {
		if _, err := time.Parse("2006-01-02", d); err != nil {
			return fenliu.Errorf(fenliu.EInvalid, "holidays", "日期格式错误：%s", "bad date: %s", d)
		}
	}
	b, _ := json.Marshal(c.Sorted())
	return a.DB.SetSettingTx(ctx, SettingCalendar, string(b))
}

// SetLimitOverride sets (or, with nil, clears) a unit type's time limits.
func (a *App) SetLimitOverride(ctx context.Context, actor *fenliu.User, t fenliu.UnitType, l *catalog.Limits) error {
	if err := fenliu.CanAdminister(actor); err != nil {
		return err
	}
	if !t.Valid() {
		return fenliu.Errorf(fenliu.EInvalid, "unit_type", "未知的单位类型「%s」", "unknown unit type %q", t)
	}
	v := ""
	if l != nil {
		b, _ := json.Marshal(l)
		v = string(b)
	}
	return a.DB.SetSettingTx(ctx, SettingLimitOverride+string(t), v)
}

// Callbacks (回访).
const (
	// SettingCallbackScale is "3" (满意/基本满意/不满意) or "5" (adds 非常满意, 非常不满意).
	SettingCallbackScale = "callback.scale"
	// CallbackLimit is how long after closing the caller must be called back.
	CallbackLimit = 48 * time.Hour
)

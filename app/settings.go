package app

import (
	"context"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/metrics"
	"github.com/fenliu/fenliu/route"
	"github.com/fenliu/fenliu/store"
)

// The city's runtime settings: one typed table (key, type, default,
// validation), read through Setting and written only through SetSettings,
// which validates every change — alone and together with the rest — before
// it writes them in one transaction.

// Setting keys.
const (
	SettingRoutingMode   = "routing.mode"           // desk_first, direct, both or duty_room
	SettingDeskUnit      = "routing.desk_unit"      // the 12345 linkage desk's unit id
	SettingDutyRoomUnit  = "routing.duty_room_unit" // the government duty room's unit id
	SettingFallback      = "routing.fallback"       // off-duty fallbacks, e.g. "parent24h,linkage_desk,duty_room"
	SettingTimeZone      = "city.time_zone"         // e.g. Asia/Shanghai
	SettingCalendar      = "calendar"               // JSON fenliu.Calendar: working hours, holidays, make-up workdays
	SettingLimitOverride = "limits.override."       // + unit type: JSON fenliu.Limits replacing the category's
	SettingCallbackScale = "callback.scale"         // "3" (满意/基本满意/不满意) or "5"
	SettingWeights       = "assessment.weights"     // JSON metrics.Weights, e.g. {"sign_for":20,...}
	SettingCallbackLimit = "callback.limit"         // how long after closing the caller must be called back
	SettingCallbackOrder = "callback.per_order"     // "true": call back every order; "false": once per incident
	SettingGreenChannels = "green_channels"         // JSON []fenliu.GreenChannel

	settingRollupWatermark = "report.rollup_watermark" // internal: the rollups' watermark
)

// SettingType is the kind of value a setting holds.
type SettingType string

// Setting types.
const (
	TypeEnum     SettingType = "enum"
	TypeUnit     SettingType = "unit" // a unit id (0: none)
	TypeList     SettingType = "list" // comma-separated words
	TypeZone     SettingType = "time_zone"
	TypeCalendar SettingType = "calendar"       // JSON
	TypeLimits   SettingType = "limits"         // JSON
	TypeWeights  SettingType = "weights"        // JSON
	TypeDuration SettingType = "duration"       // 30m, 48h, 2d
	TypeChannels SettingType = "green_channels" // JSON
	TypeInternal SettingType = "internal"       // written by the system only
	TypeCount    SettingType = "count"          // a whole number from 1 to 100000
)

// SettingDef describes one setting.
type SettingDef struct {
	Key     string      `json:"key"` // a prefix when it ends in "."
	Type    SettingType `json:"type"`
	Default string      `json:"default"`
	Values  []string    `json:"values,omitempty"` // enum: the allowed values; list: the allowed words
	// Directory: routing reads it, so a change bumps the directory version
	// (every server reloads its routing data).
	Directory bool   `json:"directory"`
	DocZH     string `json:"doc_zh"`
	DocEN     string `json:"doc_en"`
}

// Settings is the table of every setting.
var Settings = []SettingDef{
	{Key: SettingRoutingMode, Type: TypeEnum, Default: string(route.ModeDirect), Values: []string{"desk_first", "direct", "both", "duty_room"}, Directory: true,
		DocZH: "分派模式：先转12345专席、直派单位、两者、先转政府总值班室", DocEN: "how diverted matters are sent: to the desk first, straight to the units, both, or to the duty room first"},
	{Key: SettingDeskUnit, Type: TypeUnit, Default: "0", Directory: true, DocZH: "12345联动专席的单位", DocEN: "the unit of the 12345 linkage desk"},
	{Key: SettingDutyRoomUnit, Type: TypeUnit, Default: "0", Directory: true, DocZH: "政府总值班室的单位", DocEN: "the unit of the government duty room"},
	{Key: SettingFallback, Type: TypeList, Default: "parent24h,linkage_desk,duty_room", Values: []string{"parent24h", "linkage_desk", "duty_room"}, Directory: true,
		DocZH: "单位不在岗时依次转交", DocEN: "where an order goes, in turn, when its unit is off duty"},
	{Key: SettingTimeZone, Type: TypeZone, Default: "Asia/Shanghai", Directory: true, DocZH: "城市时区（日报、工作时间）", DocEN: "the city's time zone (report days, working hours)"},
	{Key: SettingCalendar, Type: TypeCalendar, Default: "", Directory: true, DocZH: "工作时间、节假日与调休（默认周一至周五 08:30–17:30）", DocEN: "working hours, holidays and make-up workdays (default Monday to Friday 08:30–17:30)"},
	{Key: SettingLimitOverride, Type: TypeLimits, Default: "", DocZH: "某类单位的时限，替代事项清单的时限（键后接单位类型）", DocEN: "a unit type's time limits replacing the catalogue's (the key ends in the unit type)"},
	{Key: SettingCallbackScale, Type: TypeEnum, Default: "3", Values: []string{"3", "5"}, DocZH: "回访满意度：三级或五级", DocEN: "callback rating scale: three or five levels"},
	{Key: SettingWeights, Type: TypeWeights, Default: "", DocZH: "考核权重", DocEN: "assessment weights"},
	{Key: SettingCallbackLimit, Type: TypeDuration, Default: "48h", DocZH: "办结后回访时限", DocEN: "how long after closing the caller must be called back"},
	{Key: SettingCallbackOrder, Type: TypeEnum, Default: "false", Values: []string{"false", "true"},
		DocZH: "每张工单分别回访（否：每起警情回访一次）", DocEN: "call back every order (no: once per incident)"},
	{Key: SettingGreenChannels, Type: TypeChannels, Default: "", DocZH: "绿色通道（默认六类）", DocEN: "green channels (default: the six kinds)"},
	{Key: settingRollupWatermark, Type: TypeInternal, Default: "", DocZH: "统计汇总水位（系统写入）", DocEN: "report rollup watermark (written by the system)"},
}

// settingDef finds the definition of key (a prefix entry matches keys that
// start with it).
func settingDef(key string) *SettingDef {
	for i := range Settings {
		d := &Settings[i]
		if d.Key == key || (strings.HasSuffix(d.Key, ".") && strings.HasPrefix(key, d.Key) && len(key) > len(d.Key)) {
			return d
		}
	}
	return nil
}

// check validates one value against its definition (an empty value resets
// the setting to its default).
func (d *SettingDef) check(key, v string) error {
	if v == "" {
		return nil
	}
	bad := func(zh, en string) error {
		return &fenliu.Error{Code: fenliu.EInvalid, Field: key, ZH: "设置「" + key + "」" + zh, EN: "setting " + key + ": " + en}
	}
	switch d.Type {
	case TypeEnum:
		for _, x := range d.Values {
			if x == v {
				return nil
			}
		}
		return bad("必须是 "+strings.Join(d.Values, "、")+" 之一", "must be one of "+strings.Join(d.Values, ", "))
	case TypeUnit:
		if n, err := strconv.ParseInt(v, 10, 64); err != nil || n < 0 {
			return bad("必须是单位编号", "must be a unit id")
		}
	case TypeList:
		for _, w := range strings.Split(v, ",") {
			ok := false
			for _, x := range d.Values {
				ok = ok || strings.TrimSpace(w) == x
			}
			if !ok {
				return bad("只能包含 "+strings.Join(d.Values, "、"), "may only list "+strings.Join(d.Values, ", "))
			}
		}
	case TypeZone:
		if _, err := time.LoadLocation(v); err != nil {
			return bad("不是已知的时区", "is not a known time zone")
		}
	case TypeCalendar:
		var c fenliu.Calendar
		if err := json.Unmarshal([]byte(v), &c); err != nil {
			return bad("格式错误", "is not a calendar")
		}
		return checkCalendar(&c)
	case TypeLimits:
		if !fenliu.UnitType(strings.TrimPrefix(key, SettingLimitOverride)).Valid() {
			return bad("的单位类型未知", "names an unknown unit type")
		}
		var l fenliu.Limits
		if err := json.Unmarshal([]byte(v), &l); err != nil {
			return bad("格式错误", "is not a set of limits")
		}
	case TypeWeights:
		var w metrics.Weights
		if err := json.Unmarshal([]byte(v), &w); err != nil {
			return bad("格式错误", "is not a set of weights")
		}
		for name, x := range w {
			if _, ok := metrics.RateNames[name]; !ok || x < 0 {
				return fenliu.Errorf(fenliu.EInvalid, "weights", "未知的指标或负权重：%s", "unknown rate or negative weight: %s", name)
			}
		}
	case TypeDuration:
		if d, err := fenliu.ParseDuration(v); err != nil || d <= 0 {
			return bad("必须是时长（如 30m、48h、2d）", "must be a duration such as 30m, 48h or 2d")
		}
	case TypeChannels:
		var gs []fenliu.GreenChannel
		if err := json.Unmarshal([]byte(v), &gs); err != nil {
			return bad("格式错误", "is not a list of green channels")
		}
		for i := range gs {
			if err := gs[i].Validate(); err != nil {
				return err
			}
		}
	case TypeInternal:
		return bad("由系统写入", "is written by the system")
	case TypeCount:
		if n, err := strconv.Atoi(v); err != nil || n < 1 || n > 100000 {
			return bad("必须是 1 到 100000 的整数", "must be a whole number from 1 to 100000")
		}
	}
	return nil
}

func checkCalendar(c *fenliu.Calendar) error {
	if c.DayEnd <= c.DayStart || c.DayEnd > 24*time.Hour || c.DayStart < 0 {
		return &fenliu.Error{Code: fenliu.EInvalid, Field: "day_end", ZH: "下班时间必须晚于上班时间", EN: "day_end must be after day_start"}
	}
	for _, d := range append(append([]string{}, c.Holidays...), c.Workdays...) {
		if _, err := time.Parse("2006-01-02", d); err != nil {
			return fenliu.Errorf(fenliu.EInvalid, "holidays", "日期格式错误：%s", "bad date: %s", d)
		}
	}
	return nil
}

// settingsOf reads every stored setting.
func settingsOf(ctx context.Context, q *store.Q) (settingValues, error) {
	m, err := q.Settings(ctx)
	return settingValues(m), err
}

// settingValues are the stored settings; get answers a key's value or its
// default.
type settingValues map[string]string

func (s settingValues) get(key string) string {
	if v, ok := s[key]; ok && v != "" {
		return v
	}
	if d := settingDef(key); d != nil {
		return d.Default
	}
	return ""
}

func (s settingValues) int(key string) int64 {
	n, _ := strconv.ParseInt(s.get(key), 10, 64)
	return n
}

// location is the city's time zone.
func (s settingValues) location() *time.Location {
	if loc, err := time.LoadLocation(s.get(SettingTimeZone)); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}

// calendar is the city's working calendar, in its time zone.
func (s settingValues) calendar() *fenliu.Calendar {
	loc := s.location()
	cal := fenliu.DefaultCalendar(loc)
	if raw := s.get(SettingCalendar); raw != "" {
		if json.Unmarshal([]byte(raw), cal) == nil {
			cal.Location = loc
			return cal.Sorted()
		}
	}
	return cal
}

// limitOverride is a unit type's override of its categories' limits, or nil.
func (s settingValues) limitOverride(t fenliu.UnitType) *fenliu.Limits {
	raw := s.get(SettingLimitOverride + string(t))
	if raw == "" {
		return nil
	}
	var l fenliu.Limits
	if json.Unmarshal([]byte(raw), &l) != nil {
		return nil
	}
	return &l
}

// duration reads a duration setting (its default if unset or bad).
func (s settingValues) duration(key string) time.Duration {
	d, err := fenliu.ParseDuration(s.get(key))
	if err != nil || d <= 0 {
		d, _ = fenliu.ParseDuration(settingDef(key).Default)
	}
	return d
}

// greenChannels are the city's green channels.
func (s settingValues) greenChannels() []fenliu.GreenChannel {
	if raw := s.get(SettingGreenChannels); raw != "" {
		var gs []fenliu.GreenChannel
		if json.Unmarshal([]byte(raw), &gs) == nil {
			return gs
		}
	}
	return fenliu.DefaultGreenChannels
}

// SettingValue is a setting with its current value, for the admin screens.
type SettingValue struct {
	SettingDef
	Key   string `json:"key"`
	Value string `json:"value"`
	IsSet bool   `json:"set"`
}

// SettingValues lists every setting with its value (admins only).
func (a *App) SettingValues(ctx context.Context, actor *fenliu.User) ([]SettingValue, error) {
	if err := fenliu.CanAdminister(actor); err != nil {
		return nil, err
	}
	stored, err := settingsOf(ctx, &a.db.Q)
	if err != nil {
		return nil, err
	}
	var out []SettingValue
	for _, d := range Settings {
		if d.Type == TypeInternal {
			continue
		}
		if strings.HasSuffix(d.Key, ".") {
			var keys []string
			for k := range stored {
				if strings.HasPrefix(k, d.Key) {
					keys = append(keys, k)
				}
			}
			sort.Strings(keys)
			for _, k := range keys {
				out = append(out, SettingValue{SettingDef: d, Key: k, Value: stored[k], IsSet: true})
			}
			continue
		}
		v, set := stored[d.Key]
		out = append(out, SettingValue{SettingDef: d, Key: d.Key, Value: stored.get(d.Key), IsSet: set && v != ""})
	}
	return out, nil
}

// SetSettings validates changes to the settings — each against its type,
// then all of them together with the directory (a routing mode needs its
// desk unit, which must exist) — and only then writes them, in one
// transaction. An empty value resets a setting to its default.
func (a *App) SetSettings(ctx context.Context, actor *fenliu.User, changes map[string]string) error {
	if err := fenliu.CanAdminister(actor); err != nil {
		return err
	}
	return a.setSettings(ctx, changes)
}

func (a *App) setSettings(ctx context.Context, changes map[string]string) error {
	if len(changes) == 0 {
		return nil
	}
	directory := false
	for k, v := range changes {
		d := settingDef(k)
		if d == nil {
			return fenliu.Errorf(fenliu.EInvalid, k, "未知的设置「%s」", "unknown setting %q", k)
		}
		if err := d.check(k, strings.TrimSpace(v)); err != nil {
			return err
		}
		changes[k] = strings.TrimSpace(v)
		directory = directory || d.Directory
	}
	err := a.db.Tx(ctx, func(q *store.Q) error {
		stored, err := settingsOf(ctx, q)
		if err != nil {
			return err
		}
		next := settingValues{}
		for k, v := range stored {
			next[k] = v
		}
		for k, v := range changes {
			next[k] = v
		}
		if directory {
			// The routing data as it would be: validated before anything is written.
			c, err := a.loadCity(ctx, q, next, a.now())
			if err != nil {
				return err
			}
			if err := c.Validate(); err != nil {
				return err
			}
			if err := c.Config.Usable(); err != nil {
				return err
			}
		}
		return q.SetSettings(ctx, changes, directory)
	})
	return err
}

// setInternal writes a setting only the system writes.
func (a *App) setInternal(ctx context.Context, key, value string) error {
	return a.db.Tx(ctx, func(q *store.Q) error { return q.SetSettings(ctx, map[string]string{key: value}, false) })
}

// settings reads every stored setting outside a transaction.
func (a *App) settings(ctx context.Context) (settingValues, error) {
	return settingsOf(ctx, &a.db.Q)
}

// Location returns the city's time zone (the setting city.time_zone).
func (a *App) Location(ctx context.Context) *time.Location {
	s, err := a.settings(ctx)
	if err != nil {
		a.log.Warn("settings", "err", err)
		return settingValues{}.location()
	}
	return s.location()
}

// SetRouting sets the city's routing mode and its desk and duty-room units.
func (a *App) SetRouting(ctx context.Context, actor *fenliu.User, mode string, deskUnit, dutyRoomUnit int64) error {
	return a.SetSettings(ctx, actor, map[string]string{SettingRoutingMode: mode,
		SettingDeskUnit: strconv.FormatInt(deskUnit, 10), SettingDutyRoomUnit: strconv.FormatInt(dutyRoomUnit, 10)})
}

// SetCalendar stores the city's working calendar.
func (a *App) SetCalendar(ctx context.Context, actor *fenliu.User, c *fenliu.Calendar) error {
	if err := fenliu.CanAdminister(actor); err != nil {
		return err
	}
	if err := checkCalendar(c); err != nil {
		return err
	}
	b, _ := json.Marshal(c.Sorted())
	return a.SetSettings(ctx, actor, map[string]string{SettingCalendar: string(b)})
}

// SetLimitOverride sets (or, with nil, clears) a unit type's time limits.
func (a *App) SetLimitOverride(ctx context.Context, actor *fenliu.User, t fenliu.UnitType, l *fenliu.Limits) error {
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
	return a.SetSettings(ctx, actor, map[string]string{SettingLimitOverride + string(t): v})
}

// SetWeights stores the assessment weights (考核权重); unknown rate names
// and negative weights are refused.
func (a *App) SetWeights(ctx context.Context, actor *fenliu.User, w metrics.Weights) error {
	b, _ := json.Marshal(w)
	return a.SetSettings(ctx, actor, map[string]string{SettingWeights: string(b)})
}

// weights returns the city's assessment weights, or the defaults.
func (a *App) weights(ctx context.Context) metrics.Weights {
	s, err := a.settings(ctx)
	if err != nil {
		a.log.Warn("settings: using the default assessment weights", "err", err)
		return metrics.DefaultWeights
	}
	var w metrics.Weights
	if raw := s.get(SettingWeights); raw == "" || json.Unmarshal([]byte(raw), &w) != nil || len(w) == 0 {
		return metrics.DefaultWeights
	}
	return w
}

// CallbackLevels are the ratings the callback form offers (callback.scale).
func (a *App) CallbackLevels(ctx context.Context) []fenliu.Satisfaction {
	s, err := a.settings(ctx)
	if err != nil {
		a.log.Warn("settings: using the three-level callback scale", "err", err)
	}
	if s.get(SettingCallbackScale) == "5" {
		return []fenliu.Satisfaction{fenliu.VerySatisfied, fenliu.Satisfied, fenliu.BasicSatisfied, fenliu.Unsatisfied, fenliu.VeryUnsatisfied}
	}
	return []fenliu.Satisfaction{fenliu.Satisfied, fenliu.BasicSatisfied, fenliu.Unsatisfied}
}

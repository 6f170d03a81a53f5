package app

import (
	"strconv"
	"time"

	"github.com/fenliu/fenliu"
)

// The governance settings (警源治理): hotspots, class-level warnings and
// scenarios. They join the one settings table.
const (
	SettingHotspotMin     = "hotspot.min_count"      // a place is a hotspot with this many calls of one kind …
	SettingHotspotWindow  = "hotspot.window"         // … within this window (e.g. 30d)
	SettingHotspotRadius  = "hotspot.radius_m"       // radius of a hotspot grouped by distance, in metres
	SettingWarningWindow  = "warning.window"         // the window a class-level warning counts in (≤ 7d)
	SettingWarningWeeks   = "warning.baseline_weeks" // the past weeks it compares with
	SettingWarningMin     = "warning.min_count"      // the fewest calls that can raise a warning
	SettingScenarioHold   = "scenario.hold"          // how long the rate must stay down before a scenario may close
	SettingScenarioBefore = "scenario.before"        // the period before opening that a scenario compares with
)

func init() {
	Settings = append(Settings,
		SettingDef{Key: SettingHotspotMin, Type: TypeCount, Default: "3", DocZH: "同一地点同类诉求达到此数即为热点", DocEN: "calls of one kind at one place that make a hotspot"},
		SettingDef{Key: SettingHotspotWindow, Type: TypeDuration, Default: "30d", DocZH: "热点统计时段", DocEN: "the window hotspots are counted in"},
		SettingDef{Key: SettingHotspotRadius, Type: TypeCount, Default: "300", DocZH: "按距离聚合热点的半径（米）", DocEN: "radius of a hotspot grouped by distance, in metres"},
		SettingDef{Key: SettingWarningWindow, Type: TypeDuration, Default: "72h", DocZH: "一类事预警的统计时段（不超过 7 天）", DocEN: "the window a class-level warning counts in (at most 7 days)"},
		SettingDef{Key: SettingWarningWeeks, Type: TypeCount, Default: "8", DocZH: "预警基线：往前比较的周数（同一时段、同一星期几）", DocEN: "warning baseline: past weeks compared (same hours, same weekdays)"},
		SettingDef{Key: SettingWarningMin, Type: TypeCount, Default: "4", DocZH: "触发预警的最少诉求数", DocEN: "the fewest calls that can raise a warning"},
		SettingDef{Key: SettingScenarioHold, Type: TypeDuration, Default: "28d", DocZH: "场景关闭前诉求率须持续下降的时长", DocEN: "how long the rate must stay down before a scenario may close"},
		SettingDef{Key: SettingScenarioBefore, Type: TypeDuration, Default: "28d", DocZH: "场景开启前用于比较的时段", DocEN: "the period before opening a scenario is compared with"},
	)
}

func (s settingValues) count(key string) int {
	n, err := strconv.Atoi(s.get(key))
	if err != nil || n < 1 {
		n, _ = strconv.Atoi(settingDef(key).Default)
	}
	return n
}

// warningRule is the class-level warning rule with the city's settings.
func (s settingValues) warningRule() fenliu.WarningRule {
	r := fenliu.DefaultWarningRule
	r.Window = s.duration(SettingWarningWindow)
	if r.Window > 7*24*time.Hour {
		r.Window = 7 * 24 * time.Hour
	}
	r.Weeks = s.count(SettingWarningWeeks)
	r.MinCount = s.count(SettingWarningMin)
	return r
}

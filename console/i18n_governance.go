package console

// The governance screens' messages (警源治理), merged into the catalogue.
func init() {
	for k, v := range map[string][2]string{
		"nav.map":         {"治理地图", "Map"},
		"map.title":       {"警源治理地图", "Where calls come from"},
		"map.category":    {"事项", "Matter"},
		"map.unit_type":   {"单位类型", "Unit type"},
		"map.disposition": {"处置方式", "Disposition"},
		"map.days":        {"时段", "Period"},
		"map.all":         {"全部", "All"},
		"map.lastdays":    {"近 %d 天", "last %d days"},
		"map.total":       {"共 %d 起诉求，%d 个热点", "%d calls, %d hotspots"},
		"map.hotspots":    {"热点", "Hotspots"},
		"map.rank":        {"排名", "Rank"},
		"map.place":       {"地点", "Place"},
		"map.count":       {"本期", "Now"},
		"map.before":      {"上期", "Before"},
		"map.trend":       {"趋势", "Trend"},
		"map.orders":      {"查看工单", "Orders"},
		"map.calls":       {"起", "calls"},
		"map.incident":    {"警情", "Incident"},
		"map.grids":       {"网格着色", "Grid shading"},
		"map.incidents":   {"警情聚合", "Incidents"},
		"map.none":        {"所选条件下没有热点", "No hotspot for this filter"},
		"map.back":        {"返回地图", "Back to the map"},
		"map.areaorders":  {"%s 的工单（近 %d 天）", "Orders in %s (last %d days)"},
		"trend.up":        {"上升", "up"},
		"trend.down":      {"下降", "down"},
		"trend.flat":      {"持平", "flat"},
		"trend.new":       {"新出现", "new"},
		"map.filter":      {"筛选", "Filter"},
		"map.legend.few":  {"少", "few"},
		"map.legend.many": {"多", "many"},
	} {
		messages[k] = v
	}
}

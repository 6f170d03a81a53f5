package fenliu

import "testing"

func TestInLanguage(t *testing.T) {
	for _, c := range []struct{ text, lang, want string }{
		{"工单 #214 已超时：反馈 / order #214: overdue, feedback", "zh", "工单 #214 已超时：反馈"},
		{"工单 #214 已超时：反馈 / order #214: overdue, feedback", "en", "order #214: overdue, feedback"},
		{"一键转接 / one-click transfer", "en", "one-click transfer"},
		{"已退回/重办 2 次 / returned 2 times", "zh", "已退回/重办 2 次"},
		{"楼道堆物 / 消防通道堵塞", "en", "楼道堆物 / 消防通道堵塞"}, // a person's text: Chinese on both sides
		{"A / B", "zh", "A / B"},
		{"只有中文", "en", "只有中文"},
		{Bilingual("按建议派单", "dispatched as suggested"), "en", "dispatched as suggested"},
	} {
		if got := InLanguage(c.text, c.lang); got != c.want {
			t.Errorf("InLanguage(%q, %s) = %q, want %q", c.text, c.lang, got, c.want)
		}
	}
}

func TestActsForUnit(t *testing.T) {
	staff := &User{Role: RoleUnitStaff, UnitID: 1}
	sup := &User{Role: RoleSupervisor}
	o := &Order{UnitID: 1, State: StateDispatched}
	for _, a := range AllowedActions(staff, o) {
		if ActsForUnit(staff, a) {
			t.Errorf("unit staff's own %s counted as acting for a unit", a)
		}
	}
	var own, proxy []Action
	for _, a := range AllowedActions(sup, o) {
		if ActsForUnit(sup, a) {
			proxy = append(proxy, a)
		} else {
			own = append(own, a)
		}
	}
	if len(proxy) == 0 || proxy[0] != ActSign {
		t.Errorf("a supervisor's sign-for is not set apart: own %v, for the unit %v", own, proxy)
	}
	for _, a := range own {
		if a == ActSign || a == ActReturn {
			t.Errorf("supervisor offered %s as their own", a)
		}
	}
}

func TestDoubtful(t *testing.T) {
	for _, c := range []struct {
		t    *Triage
		want bool
	}{
		{nil, false},
		{&Triage{Disposition: DispDivert, Confidence: 0.11}, true},
		{&Triage{Disposition: DispDivert, Confidence: 0.9}, false},
		{&Triage{Disposition: DispPolice, Confidence: 0.9, Review: true}, true},
		{&Triage{Disposition: DispDivert, Confidence: LowConfidence}, false},
	} {
		if got := c.t.Doubtful(); got != c.want {
			t.Errorf("%+v: Doubtful %v, want %v", c.t, got, c.want)
		}
	}
}

func TestAreaForAddress(t *testing.T) {
	d := &Area{ID: 1, Name: "江南区", Level: AreaDistrict}
	s := &Area{ID: 2, Name: "新竹街道", Level: AreaStreet, ParentID: 1}
	g1 := &Area{ID: 3, Name: "新竹街道第1网格", Level: AreaGrid, ParentID: 2, Roads: []string{"福建园路", "友爱路"}}
	g2 := &Area{ID: 4, Name: "新竹街道第2网格", Level: AreaGrid, ParentID: 2, Roads: []string{"友爱北路", "路"}}
	areas := []*Area{d, s, g1, g2}
	for addr, want := range map[string]*Area{
		"福建园路8号":     g1,
		"江南区友爱北路12号": g2, // the longer road name wins over 友爱路 and 江南区
		"江南区友爱路3号":   g1,
		"新竹街道江南大道4号": s,
		"江南区某某小区":    d,
		"北京路1号":      nil, // "路" alone is too short to count
		"":           nil,
	} {
		if got := AreaForAddress(areas, addr); got != want {
			t.Errorf("%q → %v, want %v", addr, got, want)
		}
	}
	a := &Area{Code: "G", Name: "网格", Level: AreaGrid, ParentID: 2, Roads: []string{" 福建园路 ", "", "福建园路", "友爱路"}}
	if err := a.Validate(); err != nil || len(a.Roads) != 2 || a.Roads[0] != "福建园路" {
		t.Errorf("roads cleaned to %q, %v", a.Roads, err)
	}
}

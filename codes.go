// Package fenliu holds Fenliu's domain core: the types, codes and rules of
// non-police call diversion (非警务警情分流联动). It does no I/O: storage, HTTP
// and the CLI live in packages at the edges and depend on this one.
package fenliu

// Disposition is how an incident is answered (TRIAGE_CONTRACT.md).
type Disposition string

const (
	DispPolice   Disposition = "police"   // 110 dispatches officers
	DispJoint    Disposition = "joint"    // police with 119/120/122
	DispDivert   Disposition = "divert"   // work orders to linkage units
	DispRedirect Disposition = "redirect" // caller guided to another hotline
)

// Dispositions lists every disposition in display order.
var Dispositions = []Disposition{DispPolice, DispJoint, DispDivert, DispRedirect}

// Valid reports whether d is one of the contract's codes.
func (d Disposition) Valid() bool {
	switch d {
	case DispPolice, DispJoint, DispDivert, DispRedirect:
		return true
	}
	return false
}

// PoliceSide reports whether the disposition sends officers.
func (d Disposition) PoliceSide() bool { return d == DispPolice || d == DispJoint }

// UnitType is the stable vocabulary of responsible units (TRIAGE_CONTRACT.md).
type UnitType string

const (
	UTPolice              UnitType = "police"
	UTTrafficPolice       UnitType = "traffic_police"
	UTFireRescue          UnitType = "fire_rescue"
	UTMedicalEmergency    UnitType = "medical_emergency"
	UTUrbanManagement     UnitType = "urban_management"
	UTMarketRegulation    UnitType = "market_regulation"
	UTHumanResources      UnitType = "human_resources"
	UTHousing             UnitType = "housing"
	UTEcologyEnvironment  UnitType = "ecology_environment"
	UTMunicipal           UnitType = "municipal"
	UTWater               UnitType = "water"
	UTPower               UnitType = "power"
	UTGas                 UnitType = "gas"
	UTTelecom             UnitType = "telecom"
	UTTransport           UnitType = "transport"
	UTHealth              UnitType = "health"
	UTCivilAffairs        UnitType = "civil_affairs"
	UTEducation           UnitType = "education"
	UTNaturalResources    UnitType = "natural_resources"
	UTAgriculture         UnitType = "agriculture"
	UTMediation           UnitType = "mediation"
	UTSubdistrict         UnitType = "subdistrict"
	UTEmergencyManagement UnitType = "emergency_management"
	UTPsychSupport        UnitType = "psych_support"
	UTTobacco             UnitType = "tobacco"
	UTLegalServices       UnitType = "legal_services"
)

// UnitTypeInfo names a unit type in both languages.
type UnitTypeInfo struct {
	Code UnitType
	ZH   string
	EN   string
}

// UnitTypes lists every unit type of the contract, in the contract's order.
var UnitTypes = []UnitTypeInfo{
	{UTPolice, "公安", "Police"},
	{UTTrafficPolice, "交警", "Traffic police"},
	{UTFireRescue, "消防救援", "Fire and rescue"},
	{UTMedicalEmergency, "急救", "Emergency medical"},
	{UTUrbanManagement, "城管综合执法", "Urban management"},
	{UTMarketRegulation, "市场监管", "Market regulation"},
	{UTHumanResources, "人社", "Human resources and social security"},
	{UTHousing, "住建/房管", "Housing and construction"},
	{UTEcologyEnvironment, "生态环境", "Ecology and environment"},
	{UTMunicipal, "市政/园林", "Municipal works and parks"},
	{UTWater, "供水", "Water supply"},
	{UTPower, "供电", "Power supply"},
	{UTGas, "燃气", "Gas supply"},
	{UTTelecom, "通信运营商", "Telecom operators"},
	{UTTransport, "交通运输", "Transport"},
	{UTHealth, "卫健", "Health"},
	{UTCivilAffairs, "民政", "Civil affairs"},
	{UTEducation, "教育", "Education"},
	{UTNaturalResources, "自然资源", "Natural resources"},
	{UTAgriculture, "农业农村", "Agriculture and rural affairs"},
	{UTMediation, "人民调解/司法所", "People's mediation"},
	{UTSubdistrict, "街道/乡镇/社区网格", "Subdistrict and community"},
	{UTEmergencyManagement, "应急管理", "Emergency management"},
	{UTPsychSupport, "心理援助", "Psychological support"},
	{UTTobacco, "烟草专卖", "Tobacco monopoly"},
	{UTLegalServices, "公共法律服务", "Public legal services"},
}

// Partner unit types: teams outside government that green channels (绿色通
// 道) bring in beside the responsible units. Triage never answers with them
// (they are not in the contract); a city's partner teams are units of these
// types.
const (
	UTVolunteerRescue UnitType = "volunteer_rescue" // 社会应急救援队伍（蓝天、蓝盾救援队）
	UTPsychCrisis     UnitType = "psych_crisis"     // 心理危机干预队伍
	UTWomenChildren   UnitType = "women_children"   // 妇联、未成年人保护
	UTSocialAid       UnitType = "social_aid"       // 社会救助、慈善急难救助
)

// PartnerTypes lists the partner unit types.
var PartnerTypes = []UnitTypeInfo{
	{UTVolunteerRescue, "社会应急救援队伍", "Volunteer rescue team"},
	{UTPsychCrisis, "心理危机干预", "Psychological crisis team"},
	{UTWomenChildren, "妇联/未成年人保护", "Women's and children's rights"},
	{UTSocialAid, "社会救助/急难救助", "Urgent social aid"},
}

// AllUnitTypes lists the contract's unit types, then the partner types:
// every type a unit may have.
func AllUnitTypes() []UnitTypeInfo {
	return append(append([]UnitTypeInfo{}, UnitTypes...), PartnerTypes...)
}

// Valid reports whether t is a unit type a unit may have: the contract's,
// or a partner type.
func (t UnitType) Valid() bool {
	for _, u := range UnitTypes {
		if u.Code == t {
			return true
		}
	}
	return t.Partner()
}

// Contract reports whether t is one of the triage contract's unit types
// (the matter catalogue uses only these).
func (t UnitType) Contract() bool { return t.Valid() && !t.Partner() }

// Partner reports whether t is a partner team's type.
func (t UnitType) Partner() bool {
	for _, u := range PartnerTypes {
		if u.Code == t {
			return true
		}
	}
	return false
}

// Emergency reports whether t is one of the emergency services that joint
// responses combine (110/119/120/122).
func (t UnitType) Emergency() bool {
	switch t {
	case UTPolice, UTTrafficPolice, UTFireRescue, UTMedicalEmergency:
		return true
	}
	return false
}

// Channel is where an incident came in.
type Channel string

const (
	Channel110     Channel = "110"     // call-taker entry
	Channel12345   Channel = "12345"   // transferred from the government hotline
	ChannelGrid    Channel = "grid"    // grid worker
	ChannelCitizen Channel = "citizen" // public page or app
	ChannelAPI     Channel = "api"     // another system
)

// Channels lists every intake channel.
var Channels = []Channel{Channel110, Channel12345, ChannelGrid, ChannelCitizen, ChannelAPI}

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool {
	for _, x := range Channels {
		if x == c {
			return true
		}
	}
	return false
}

// Role is what a user does in the system.
type Role string

const (
	RoleCallTaker   Role = "call_taker"   // 110 接警员
	RoleLinkageDesk Role = "linkage_desk" // 12345 联动专席
	RoleUnitStaff   Role = "unit_staff"   // 联动单位工作人员
	RoleSupervisor  Role = "supervisor"   // 督办
	RoleCallback    Role = "callback"     // 回访员
	RoleLeader      Role = "leader"       // 领导
	RoleAdmin       Role = "admin"        // 管理员
)

// Roles lists every role.
var Roles = []Role{RoleCallTaker, RoleLinkageDesk, RoleUnitStaff, RoleSupervisor, RoleCallback, RoleLeader, RoleAdmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

package fenliu

import (
	"encoding/json"
	"time"
)

// AreaLevel is the level of an area in the tree district → street → grid.
type AreaLevel string

const (
	AreaDistrict AreaLevel = "district" // 区县
	AreaStreet   AreaLevel = "street"   // 街道 / 乡镇
	AreaGrid     AreaLevel = "grid"     // 网格
)

// Valid reports whether l is a known level.
func (l AreaLevel) Valid() bool { return l == AreaDistrict || l == AreaStreet || l == AreaGrid }

// Area is a node of the area tree. ParentID is 0 for a district.
type Area struct {
	ID       int64     `json:"id"`
	Code     string    `json:"code"`
	Name     string    `json:"name"`
	Level    AreaLevel `json:"level"`
	ParentID int64     `json:"parent_id,omitempty"`
	Lat      *float64  `json:"lat,omitempty"` // centre, for maps
	Lng      *float64  `json:"lng,omitempty"`
	// Roads are the road and place names in the area, by which a typed
	// address chooses it (AreaForAddress).
	Roads []string `json:"roads,omitempty"`
	// Outline is the area's boundary, a GeoJSON Polygon or MultiPolygon
	// geometry (longitude, latitude; WGS-84), checked by package geo.
	// Incidents with coordinates are placed in the finest area whose
	// outline holds them.
	Outline json.RawMessage `json:"outline,omitempty"`
}

// Unit is a linkage unit (联动单位) that receives work orders.
type Unit struct {
	ID        int64    `json:"id"`
	Code      string   `json:"code"`
	Name      string   `json:"name"`
	Type      UnitType `json:"type"`
	ParentID  int64    `json:"parent_id,omitempty"` // for escalation; 0 at the top
	AreaIDs   []int64  `json:"area_ids"`            // areas it serves; empty = the whole city
	DutyPhone string   `json:"duty_phone,omitempty"`
	AlwaysOn  bool     `json:"always_on"` // staffed 24 hours
}

// User is a person (or a system) that uses Fenliu.
type User struct {
	ID          int64     `json:"id"`
	Username    string    `json:"username"`
	DisplayName string    `json:"display_name"`
	Role        Role      `json:"role"`
	UnitID      int64     `json:"unit_id,omitempty"` // unit staff only
	Disabled    bool      `json:"disabled,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

// Attachment is a file or reference attached to an incident or an event.
type Attachment struct {
	Kind string `json:"kind"`           // photo, recording, document
	URI  string `json:"uri"`            // where it is kept (an upload path or another system's reference)
	Name string `json:"name,omitempty"` // shown to people
}

// Incident is a request as received (警情), with its disposition.
type Incident struct {
	ID          int64     `json:"id"`
	TrackingNo  string    `json:"tracking_no"` // given to the caller to follow progress
	Channel     Channel   `json:"channel"`
	ChannelRef  string    `json:"channel_ref"` // the channel's own reference; unique per channel
	ReceivedAt  time.Time `json:"received_at"`
	CallerName  string    `json:"caller_name,omitempty"`  // personal data
	CallerPhone string    `json:"caller_phone,omitempty"` // personal data
	Text        string    `json:"text"`
	Address     string    `json:"address,omitempty"`
	AreaID      int64     `json:"area_id,omitempty"`
	// Placed says how intake found AreaID (fenliu.Placement); it is in the
	// answer to the intake and kept in the intake event, not in the row.
	Placed      Placement    `json:"placed,omitempty"`
	Lat         *float64     `json:"lat,omitempty"`
	Lng         *float64     `json:"lng,omitempty"`
	Attachments []Attachment `json:"attachments"`
	RecordedBy  int64        `json:"recorded_by"`
	CreatedAt   time.Time    `json:"created_at"`

	// Decision; Disposition is empty until the incident is decided.
	Disposition Disposition `json:"disposition,omitempty"`
	Category    string      `json:"category,omitempty"`
	Hotline     string      `json:"hotline,omitempty"`
	DecidedAt   *time.Time  `json:"decided_at,omitempty"`
	Version     int64       `json:"version"`

	// What the engine suggested at intake, kept as recorded (JSON), and the
	// catalogue version it used; RepeatOf links a repeat call to the earlier
	// incident (重复报警).
	Triage         json.RawMessage `json:"triage,omitempty"`
	Route          json.RawMessage `json:"route,omitempty"`
	CatalogVersion string          `json:"catalog_version,omitempty"`
	RepeatOf       int64           `json:"repeat_of,omitempty"`

	// A green channel (绿色通道) the matter runs in, and its priority
	// (0 normal, 1 high, 2 urgent).
	GreenChannel string `json:"green_channel,omitempty"`
	Priority     int    `json:"priority,omitempty"`
}

// OrderRole is a unit's part in a work order.
type OrderRole string

const (
	OrderLead   OrderRole = "lead"   // 主办
	OrderAssist OrderRole = "assist" // 协办
)

// Valid reports whether r is lead or assist.
func (r OrderRole) Valid() bool { return r == OrderLead || r == OrderAssist }

// Order is a work order (工单): one unit's task for one incident.
type Order struct {
	ID         int64      `json:"id"`
	IncidentID int64      `json:"incident_id"`
	UnitID     int64      `json:"unit_id"`
	Role       OrderRole  `json:"role"`
	State      OrderState `json:"state"`
	Version    int64      `json:"version"` // bumped on every change; a stale version is a conflict
	FromOrder  int64      `json:"from_order,omitempty"`

	DispatchedAt time.Time  `json:"dispatched_at"`
	SignedAt     *time.Time `json:"signed_at,omitempty"`
	ArrivedAt    *time.Time `json:"arrived_at,omitempty"`
	FeedbackAt   *time.Time `json:"feedback_at,omitempty"`
	ClosedAt     *time.Time `json:"closed_at,omitempty"`
	CallbackAt   *time.Time `json:"callback_at,omitempty"`
	UpdatedAt    time.Time  `json:"updated_at"`

	Feedback     string       `json:"feedback,omitempty"`
	Solved       *bool        `json:"solved,omitempty"`
	Satisfaction Satisfaction `json:"satisfaction,omitempty"`
	Returns      int          `json:"returns"`             // times returned by a unit
	Reopens      int          `json:"reopens"`             // times reopened
	Complaint    bool         `json:"complaint,omitempty"` // the caller complained about the handling (投诉)
	Escalated    bool         `json:"escalated,omitempty"` // a higher level follows it (提级盯办)
	// EscalatedTo is the unit that follows an escalated order: it sees the
	// order in its inbox and may act on it.
	EscalatedTo int64 `json:"escalated_to,omitempty"`
	// CallbackAttempts counts callbacks that could not reach the caller.
	CallbackAttempts int `json:"callback_attempts,omitempty"`
	// Partner: a green channel brought this unit in (a partner team).
	Partner bool `json:"partner,omitempty"`

	// Deadlines (time limits), fixed at dispatch from the category's limits
	// (SetDeadlines), set afresh at reopen; LimitsFrom is when they were set.
	LimitsFrom  time.Time  `json:"limits_from"`
	SignDue     *time.Time `json:"sign_due,omitempty"`
	ArriveDue   *time.Time `json:"arrive_due,omitempty"`
	FeedbackDue *time.Time `json:"feedback_due,omitempty"`
	CloseDue    *time.Time `json:"close_due,omitempty"`
	// CallbackDue: the caller must be called back by then (set at closing).
	CallbackDue *time.Time `json:"callback_due,omitempty"`
}

// Satisfaction is a callback rating.
type Satisfaction string

// The three-level scale is satisfied / basically satisfied / unsatisfied;
// cities that rate on five levels add very satisfied and very unsatisfied.
const (
	VerySatisfied   Satisfaction = "very_satisfied"   // 非常满意 (5-level)
	Satisfied       Satisfaction = "satisfied"        // 满意
	BasicSatisfied  Satisfaction = "basic_satisfied"  // 基本满意
	Unsatisfied     Satisfaction = "unsatisfied"      // 不满意
	VeryUnsatisfied Satisfaction = "very_unsatisfied" // 非常不满意 (5-level)
)

// Valid reports whether s is a known rating on either scale.
func (s Satisfaction) Valid() bool {
	switch s {
	case VerySatisfied, Satisfied, BasicSatisfied, Unsatisfied, VeryUnsatisfied:
		return true
	}
	return false
}

// Content reports whether the rating counts as satisfied for the
// satisfaction rate (满意 + 基本满意, and 非常满意 on a five-level scale).
func (s Satisfaction) Content() bool {
	return s == VerySatisfied || s == Satisfied || s == BasicSatisfied
}

// Event is one immutable entry of the record (全程留痕).
type Event struct {
	ID          int64          `json:"id"`
	IncidentID  int64          `json:"incident_id"`
	OrderID     int64          `json:"order_id,omitempty"`
	At          time.Time      `json:"at"`
	ActorID     int64          `json:"actor_id"`
	Kind        EventKind      `json:"kind"`
	FromState   OrderState     `json:"from_state,omitempty"`
	ToState     OrderState     `json:"to_state,omitempty"`
	Note        string         `json:"note,omitempty"`
	Data        map[string]any `json:"data,omitempty"`
	Attachments []Attachment   `json:"attachments"`
}

// EventKind names what an event records.
type EventKind string

const (
	EvIntake   EventKind = "intake"   // 录入
	EvDecide   EventKind = "decide"   // 定性 / 改判
	EvDispatch EventKind = "dispatch" // 派单
	EvTriage   EventKind = "triage"   // 研判建议
)

// Validate checks an area before it is stored.
func (a *Area) Validate() error {
	if err := required("code", "编码", a.Code); err != nil {
		return err
	}
	if err := required("name", "名称", a.Name); err != nil {
		return err
	}
	if !a.Level.Valid() {
		return Errorf(EInvalid, "level", "区域级别必须是 district、street 或 grid，收到「%s」", "level must be district, street or grid; got %q", a.Level)
	}
	if (a.Level == AreaDistrict) != (a.ParentID == 0) {
		return &Error{Code: EInvalid, Field: "parent_id", ZH: "区县没有上级区域，街道和网格必须有上级区域", EN: "a district has no parent; streets and grids must have one"}
	}
	return a.cleanRoads()
}

// Validate checks a unit before it is stored.
func (u *Unit) Validate() error {
	if err := required("code", "编码", u.Code); err != nil {
		return err
	}
	if err := required("name", "名称", u.Name); err != nil {
		return err
	}
	if !u.Type.Valid() {
		return Errorf(EInvalid, "type", "未知的单位类型「%s」", "unknown unit type %q", u.Type)
	}
	return checkText("duty_phone", "值班电话", u.DutyPhone, 40)
}

// Validate checks a user before it is stored: unit staff belong to a unit,
// and only unit staff do.
func (u *User) Validate() error {
	if err := required("username", "用户名", u.Username); err != nil {
		return err
	}
	if err := required("display_name", "姓名", u.DisplayName); err != nil {
		return err
	}
	if !u.Role.Valid() {
		return Errorf(EInvalid, "role", "未知的角色「%s」", "unknown role %q", u.Role)
	}
	if (u.Role == RoleUnitStaff) != (u.UnitID != 0) {
		return &Error{Code: EInvalid, Field: "unit_id", ZH: "联动单位人员必须属于一个单位，其他角色不属于单位", EN: "unit staff must belong to a unit, and only unit staff do"}
	}
	return nil
}

func required(field, zh, v string) error {
	if v == "" {
		return &Error{Code: EInvalid, Field: field, ZH: zh + "不能为空", EN: field + " is required"}
	}
	return checkText(field, zh, v, MaxShortRunes)
}

// More event kinds.
const (
	EvNote   EventKind = "note"   // 备注 / 三方通话记录
	EvReply  EventKind = "reply"  // a unit's reply to a notice
	EvRetime EventKind = "retime" // an order given new limits (a changed decision)
)

// PublicEvent reports whether an event of kind k is a step the public
// progress page (/track) shows: the intake, decisions, dispatches and the
// order actions — not notes, replies, notices or timers.
func PublicEvent(k EventKind) bool {
	switch k {
	case EvIntake, EvDecide, EvDispatch:
		return true
	}
	return Action(k).Valid()
}

package fenliu

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits on what clients may send.
const (
	MaxTextRunes    = 4000
	MaxNoteRunes    = 4000
	MaxShortRunes   = 200
	MaxAttachments  = 20
	MaxOrdersPerRun = 10
)

// IncidentInput is a new incident as a channel sends it.
type IncidentInput struct {
	Channel     Channel      `json:"channel"`
	ChannelRef  string       `json:"channel_ref"`
	ReceivedAt  *time.Time   `json:"received_at"`
	CallerName  string       `json:"caller_name"`
	CallerPhone string       `json:"caller_phone"`
	Text        string       `json:"text"`
	Address     string       `json:"address"`
	AreaID      int64        `json:"area_id"`
	Lat         *float64     `json:"lat"`
	Lng         *float64     `json:"lng"`
	Attachments []Attachment `json:"attachments"`
	// Files are photos sent with the form (the console); Addr is the
	// sender's address, for upload quotas.
	Files []File `json:"-"`
	Addr  string `json:"-"`
}

// Validate checks an incident input; it trims text fields in place.
func (in *IncidentInput) Validate(now time.Time) error {
	in.ChannelRef = strings.TrimSpace(in.ChannelRef)
	in.CallerName = strings.TrimSpace(in.CallerName)
	in.CallerPhone = strings.TrimSpace(in.CallerPhone)
	in.Text = strings.TrimSpace(in.Text)
	in.Address = strings.TrimSpace(in.Address)
	if !in.Channel.Valid() {
		return Errorf(EInvalid, "channel", "渠道必须是 110、12345、grid、citizen 或 api，收到「%s」", "channel must be one of 110, 12345, grid, citizen, api; got %q", in.Channel)
	}
	if in.Text == "" {
		return &Error{Code: EInvalid, Field: "text", ZH: "诉求内容不能为空", EN: "text is required"}
	}
	for _, f := range []struct {
		name, zh, val string
		max           int
	}{
		{"text", "诉求内容", in.Text, MaxTextRunes},
		{"channel_ref", "渠道编号", in.ChannelRef, MaxShortRunes},
		{"caller_name", "报警人姓名", in.CallerName, MaxShortRunes},
		{"caller_phone", "联系电话", in.CallerPhone, 40},
		{"address", "地址", in.Address, 500},
	} {
		if err := checkText(f.name, f.zh, f.val, f.max); err != nil {
			return err
		}
	}
	if in.CallerPhone != "" && !validPhone(in.CallerPhone) {
		return &Error{Code: EInvalid, Field: "caller_phone", ZH: "联系电话只能包含数字、空格、+ 和 -", EN: "caller_phone may hold only digits, spaces, + and -"}
	}
	if (in.Lat == nil) != (in.Lng == nil) {
		return &Error{Code: EInvalid, Field: "lat", ZH: "经纬度必须同时提供", EN: "lat and lng must be given together"}
	}
	if in.Lat != nil && (*in.Lat < -90 || *in.Lat > 90 || *in.Lng < -180 || *in.Lng > 180 || *in.Lat != *in.Lat || *in.Lng != *in.Lng) {
		return &Error{Code: EInvalid, Field: "lat", ZH: "经纬度超出范围", EN: "lat/lng out of range"}
	}
	if in.ReceivedAt != nil && in.ReceivedAt.After(now.Add(5*time.Minute)) {
		return &Error{Code: EInvalid, Field: "received_at", ZH: "接收时间不能晚于当前时间", EN: "received_at is in the future"}
	}
	if in.AreaID < 0 {
		return &Error{Code: EInvalid, Field: "area_id", ZH: "区域编号无效", EN: "area_id is invalid"}
	}
	return ValidateAttachments(in.Attachments)
}

// ValidateAttachments checks a list of attachments.
func ValidateAttachments(as []Attachment) error {
	if len(as) > MaxAttachments {
		return Errorf(EInvalid, "attachments", "附件最多 %d 个", "at most %d attachments", MaxAttachments)
	}
	for _, a := range as {
		switch a.Kind {
		case "photo", "recording", "document", "video":
		default:
			return Errorf(EInvalid, "attachments", "附件类型必须是 photo、recording、document 或 video，收到「%s」", "attachment kind must be photo, recording, document or video; got %q", a.Kind)
		}
		if strings.TrimSpace(a.URI) == "" {
			return &Error{Code: EInvalid, Field: "attachments", ZH: "附件地址不能为空", EN: "attachment uri is required"}
		}
		if !IsUploadURI(a.URI) && !isReference(a.URI) {
			return Errorf(EInvalid, "attachments", "附件只能是本系统上传的文件（/uploads/…）或其他系统的编号（如 rec://110/20261123/0001），不能是网址，收到「%s」", "an attachment is this server's upload (/uploads/…) or another system's reference (such as rec://110/20261123/0001), never a web address; got %q", a.URI)
		}
		if err := checkText("attachments", "附件", a.URI+a.Name, 1000); err != nil {
			return err
		}
	}
	return nil
}

// DecisionInput decides (or re-decides) an incident's disposition.
type DecisionInput struct {
	Disposition Disposition `json:"disposition"`
	Category    string      `json:"category"`
	Hotline     string      `json:"hotline"`
	Reason      string      `json:"reason"`
	Version     int64       `json:"version"` // optional: the incident version the caller saw
}

// Validate checks a decision. A change of an existing decision needs a reason.
func (d *DecisionInput) Validate(current Disposition) error {
	d.Reason = strings.TrimSpace(d.Reason)
	d.Hotline = strings.TrimSpace(d.Hotline)
	d.Category = strings.TrimSpace(d.Category)
	if !d.Disposition.Valid() {
		return Errorf(EInvalid, "disposition", "处置方式必须是 police、joint、divert 或 redirect，收到「%s」", "disposition must be police, joint, divert or redirect; got %q", d.Disposition)
	}
	if d.Disposition == DispRedirect {
		if d.Hotline == "" || !validPhone(d.Hotline) {
			return &Error{Code: EInvalid, Field: "hotline", ZH: "引导至其他热线时必须填写热线号码", EN: "hotline is required for redirect"}
		}
	} else if d.Hotline != "" {
		return &Error{Code: EInvalid, Field: "hotline", ZH: "只有引导至其他热线时才填写热线号码", EN: "hotline is only for redirect"}
	}
	if current != "" && d.Reason == "" {
		return &Error{Code: EInvalid, Field: "reason", ZH: "改变已有的处置方式必须说明理由", EN: "a reason is required to change a disposition"}
	}
	if err := checkText("reason", "理由", d.Reason, MaxNoteRunes); err != nil {
		return err
	}
	return checkText("category", "事项类别", d.Category, MaxShortRunes)
}

// OrderSpec asks for one work order to one unit.
type OrderSpec struct {
	UnitID int64     `json:"unit_id"`
	Role   OrderRole `json:"role"`
	// Partner: a green channel brings the unit in (set by the service).
	Partner bool `json:"-"`
}

// DispatchInput dispatches work orders for a diverted incident.
type DispatchInput struct {
	Orders []OrderSpec `json:"orders"`
	Note   string      `json:"note"`
}

// Validate checks a dispatch: one lead at most per run, no unit twice.
func (d *DispatchInput) Validate() error {
	if len(d.Orders) == 0 {
		return &Error{Code: EInvalid, Field: "orders", ZH: "至少派给一个单位", EN: "at least one order is required"}
	}
	if len(d.Orders) > MaxOrdersPerRun {
		return Errorf(EInvalid, "orders", "一次最多派 %d 个单位", "at most %d orders at once", MaxOrdersPerRun)
	}
	seen := map[int64]bool{}
	leads := 0
	for _, o := range d.Orders {
		if o.UnitID <= 0 {
			return &Error{Code: EInvalid, Field: "orders.unit_id", ZH: "单位编号无效", EN: "unit_id is invalid"}
		}
		if !o.Role.Valid() {
			return Errorf(EInvalid, "orders.role", "角色必须是 lead（主办）或 assist（协办），收到「%s」", "role must be lead or assist; got %q", o.Role)
		}
		if seen[o.UnitID] {
			return Errorf(EInvalid, "orders.unit_id", "单位 %d 重复", "unit %d appears twice", o.UnitID)
		}
		seen[o.UnitID] = true
		if o.Role == OrderLead {
			leads++
		}
	}
	if leads > 1 {
		return &Error{Code: EInvalid, Field: "orders.role", ZH: "只能有一个主办单位", EN: "only one lead unit is allowed"}
	}
	d.Note = strings.TrimSpace(d.Note)
	return checkText("note", "备注", d.Note, MaxNoteRunes)
}

// ActionInput is one action on a work order.
type ActionInput struct {
	Note         string       `json:"note"`
	Attachments  []Attachment `json:"attachments"`
	Files        []File       `json:"-"`            // photos sent with the form
	Addr         string       `json:"-"`            // the sender's address, for upload quotas
	Version      int64        `json:"version"`      // optional: the order version the caller saw
	UnitID       int64        `json:"unit_id"`      // reroute: the new unit
	Solved       *bool        `json:"solved"`       // callback
	Satisfaction Satisfaction `json:"satisfaction"` // callback
	Complaint    bool         `json:"complaint"`    // callback: the caller complains about the handling
	Unreachable  bool         `json:"unreachable"`  // callback: the caller could not be reached (未接通)
	Lat          *float64     `json:"lat"`          // arrive: where the staff reported from
	Lng          *float64     `json:"lng"`
}

// Validate checks the fields action a needs.
func (in *ActionInput) Validate(a Action) error {
	in.Note = strings.TrimSpace(in.Note)
	if NeedsNote(a) && in.Note == "" {
		return &Error{Code: EInvalid, Field: "note", ZH: "「" + a.ZH() + "」必须填写说明", EN: "note is required to " + string(a)}
	}
	if err := checkText("note", "说明", in.Note, MaxNoteRunes); err != nil {
		return err
	}
	if (a == ActReroute || a == ActHandDown) && in.UnitID <= 0 {
		return &Error{Code: EInvalid, Field: "unit_id", ZH: "改派或下派必须指定新的单位", EN: "unit_id of the new unit is required to reroute or hand down"}
	}
	if a == ActCallback && in.Unreachable {
		if in.Solved != nil || in.Satisfaction != "" || in.Complaint {
			return &Error{Code: EInvalid, Field: "unreachable", ZH: "未接通的回访不能填写是否解决或满意度", EN: "an unreachable callback has no solved, satisfaction or complaint"}
		}
	} else if a == ActCallback {
		if in.Solved == nil {
			return &Error{Code: EInvalid, Field: "solved", ZH: "回访必须填写是否解决", EN: "solved is required for a callback"}
		}
		if !in.Satisfaction.Valid() {
			return Errorf(EInvalid, "satisfaction", "满意度必须是 satisfied、basic_satisfied、unsatisfied（五级另有 very_satisfied、very_unsatisfied），收到「%s」", "satisfaction must be satisfied, basic_satisfied or unsatisfied (or very_satisfied, very_unsatisfied on a five-level scale); got %q", in.Satisfaction)
		}
	}
	if (in.Lat == nil) != (in.Lng == nil) || (in.Lat != nil && (*in.Lat < -90 || *in.Lat > 90 || *in.Lng < -180 || *in.Lng > 180)) {
		return &Error{Code: EInvalid, Field: "lat", ZH: "经纬度无效", EN: "lat/lng invalid"}
	}
	return ValidateAttachments(in.Attachments)
}

// CheckText checks a free-text field: valid UTF-8, at most max characters,
// no NUL.
func CheckText(field, zh, s string, max int) error { return checkText(field, zh, s, max) }

func checkText(field, zh, s string, max int) error {
	if !utf8.ValidString(s) {
		return &Error{Code: EInvalid, Field: field, ZH: zh + "不是有效的 UTF-8 文本", EN: field + " is not valid UTF-8"}
	}
	if n := utf8.RuneCountInString(s); n > max {
		return &Error{Code: EInvalid, Field: field, ZH: fmt.Sprintf("%s最多 %d 个字", zh, max), EN: fmt.Sprintf("%s is longer than %d characters", field, max)}
	}
	if strings.ContainsRune(s, 0) {
		return &Error{Code: EInvalid, Field: field, ZH: zh + "含有非法字符", EN: field + " contains a NUL character"}
	}
	return nil
}

func validPhone(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == ' ' || r == '+' || r == '-':
		default:
			return false
		}
	}
	return digits >= 3
}

// TransferInput is the one-click transfer (一键转接): record the call (or
// take an incident already recorded), decide it and dispatch it, in one
// step. Empty fields take the engine's suggestion: the disposition and
// category it suggested, the units routing finds for them.
type TransferInput struct {
	Incident   *IncidentInput `json:"incident,omitempty"` // the call to record
	IncidentID int64          `json:"-"`                  // or the incident already recorded
	Decision   DecisionInput  `json:"decision"`
	// Police: send officers (派警) — the engine's police-side answer (police
	// or joint, with its category) if it gave one, else police.
	Police bool        `json:"police,omitempty"`
	Orders []OrderSpec `json:"orders,omitempty"` // units chosen by hand instead of routing
	// Lead: this unit leads; the units routing found assist.
	Lead int64  `json:"lead,omitempty"`
	Note string `json:"note"`
}

// Validate checks a transfer's own fields; the incident and the decision
// are checked by their own rules when they are applied.
func (t *TransferInput) Validate() error {
	if (t.Incident == nil) == (t.IncidentID == 0) {
		return &Error{Code: EInvalid, Field: "incident", ZH: "请提供要记录的警情，或已记录警情的编号", EN: "give the call to record, or the id of an incident already recorded"}
	}
	if t.Lead < 0 {
		return &Error{Code: EInvalid, Field: "lead", ZH: "单位编号无效", EN: "lead is invalid"}
	}
	if len(t.Orders) > 0 {
		d := DispatchInput{Orders: t.Orders, Note: t.Note}
		if err := d.Validate(); err != nil {
			return err
		}
	}
	t.Note = strings.TrimSpace(t.Note)
	return checkText("note", "备注", t.Note, MaxNoteRunes)
}

// UploadPrefix begins the path of every file this server stored.
const UploadPrefix = "/uploads/"

// IsUploadURI reports whether uri names one of this server's uploads: the
// only attachments shown as images or links.
func IsUploadURI(uri string) bool {
	tok, ok := strings.CutPrefix(uri, UploadPrefix)
	return ok && len(tok) > 0 && len(tok) <= 64 && strings.Trim(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == ""
}

// isReference: another system's reference (a 110 recording such as
// rec://110/20261123/0001, 110rec:12345), kept and shown as text: never a
// web address, a script or a path on this server.
func isReference(uri string) bool {
	if len(uri) > 300 || strings.HasPrefix(uri, "/") || strings.HasPrefix(uri, "\\") {
		return false
	}
	for _, r := range uri {
		if r <= ' ' || r == '"' || r == '\'' || r == '<' || r == '>' || r == '\\' || r == '`' {
			return false
		}
	}
	if scheme, _, ok := strings.Cut(uri, ":"); ok {
		switch strings.ToLower(strings.TrimSpace(scheme)) {
		case "http", "https", "ftp", "ftps", "data", "javascript", "vbscript", "file", "blob", "ws", "wss", "about", "mailto", "tel":
			return false
		}
	}
	return true
}

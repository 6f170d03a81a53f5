package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/fenliu/fenliu"
)

// Open311 GeoReport v2: outside systems (FixMyStreet, Mark-a-Spot, …) post
// service requests, which become incidents on the api channel, triaged and
// routed as any other, and anyone may follow them. What is shown never has
// the reporter's name, e-mail or phone.

// Open311RefPrefix starts the channel reference of every incident recorded
// through Open311; the requested service code follows it.
const Open311RefPrefix = "open311:"

// Open311Input is a POST requests form.
type Open311Input struct {
	ServiceCode string
	Description string
	Address     string
	Lat, Long   *float64
	Name, Email string
	Phone       string
}

// Open311Service is one service of the catalogue.
type Open311Service struct {
	Code, Name, Description, Group string
	Keywords                       []string
}

// Open311Request is a service request as GeoReport shows it.
type Open311Request struct {
	ID                string
	Status            string // open or closed
	StatusNotes       string
	ServiceCode       string
	ServiceName       string
	Description       string
	AgencyResponsible string
	ServiceNotice     string
	RequestedAt       time.Time
	UpdatedAt         time.Time
	Address           string
	Lat, Long         *float64
}

// Open311Update is one step of a request (the FixMyStreet
// servicerequestupdates extension).
type Open311Update struct {
	ID          string
	RequestID   string
	Status      string
	Description string
	UpdatedAt   time.Time
}

// Open311Filter selects requests: ids (none: all), a service code, a
// status, and the requested time in [From, To).
type Open311Filter struct {
	IDs         []int64
	ServiceCode string
	Status      string
	From, To    time.Time
	Limit       int
}

// Open311Services lists the catalogue's categories as services, in the
// catalogue's order; lang "en" names them in English.
func (a *App) Open311Services(lang string) []Open311Service {
	c := a.Catalog()
	if c == nil {
		return nil
	}
	groups := map[string]string{}
	for _, g := range c.Groups {
		groups[g.Code] = g.NameZH
		if lang == "en" {
			groups[g.Code] = g.NameEN
		}
	}
	var out []Open311Service
	for _, cat := range c.Categories() {
		name := cat.NameZH
		if lang == "en" {
			name = cat.NameEN
		}
		out = append(out, Open311Service{Code: cat.Code, Name: name, Description: cat.NameZH + " / " + cat.NameEN, Group: groups[cat.Group], Keywords: cat.Keywords})
	}
	return out
}

// Open311Service returns one service.
func (a *App) Open311Service(lang, code string) (*Open311Service, error) {
	for _, s := range a.Open311Services(lang) {
		if s.Code == code {
			return &s, nil
		}
	}
	return nil, fenliu.NotFound("服务", "service", code)
}

// Open311Submit records a service request posted by an outside system's
// account (its API token is the api_key).
func (a *App) Open311Submit(ctx context.Context, actor *fenliu.User, in Open311Input) (*Open311Request, error) {
	if err := fenliu.CanIntake(actor); err != nil {
		return nil, err
	}
	svc, err := a.Open311Service("zh", in.ServiceCode)
	if err != nil {
		return nil, &fenliu.Error{Code: fenliu.EInvalid, Field: "service_code", ZH: "未知的服务代码「" + in.ServiceCode + "」", EN: "unknown service_code " + strconv.Quote(in.ServiceCode)}
	}
	text := strings.TrimSpace(in.Description)
	if text == "" {
		text = svc.Name
	}
	if in.Address == "" && (in.Lat == nil || in.Long == nil) {
		return nil, &fenliu.Error{Code: fenliu.EInvalid, Field: "address_string", ZH: "需要地址或经纬度", EN: "a location is required: lat and long, or address_string"}
	}
	var b [6]byte
	rand.Read(b[:])
	inc, _, err := a.intake(ctx, actor, fenliu.IncidentInput{Channel: fenliu.ChannelAPI, ChannelRef: Open311RefPrefix + in.ServiceCode + ":" + hex.EncodeToString(b[:]),
		CallerName: in.Name, CallerPhone: in.Phone, Text: "【" + svc.Name + "】" + text, Address: in.Address, Lat: in.Lat, Lng: in.Long})
	if err != nil {
		return nil, err
	}
	return a.Open311Get(ctx, strconv.FormatInt(inc.ID, 10))
}

// Open311Get returns one request recorded through Open311.
func (a *App) Open311Get(ctx context.Context, id string) (*Open311Request, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return nil, fenliu.NotFound("服务请求", "service request", id)
	}
	inc, err := a.db.Incident(ctx, n)
	if err != nil || inc.Channel != fenliu.ChannelAPI || !strings.HasPrefix(inc.ChannelRef, Open311RefPrefix) {
		return nil, fenliu.NotFound("服务请求", "service request", id)
	}
	names, err := a.nameMaps(ctx, false)
	if err != nil {
		return nil, err
	}
	return a.open311View(ctx, inc, names)
}

// Open311List lists requests recorded through Open311, newest first.
func (a *App) Open311List(ctx context.Context, f Open311Filter) ([]*Open311Request, error) {
	if f.To.IsZero() {
		f.To = a.now().Add(time.Second)
	}
	if f.From.IsZero() {
		f.From = f.To.AddDate(0, 0, -90) // GeoReport's default window
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 1000
	}
	names, err := a.nameMaps(ctx, false)
	if err != nil {
		return nil, err
	}
	out := []*Open311Request{}
	if len(f.IDs) > 0 {
		for _, id := range f.IDs {
			if r, err := a.Open311Get(ctx, strconv.FormatInt(id, 10)); err == nil {
				out = append(out, r)
			} else if fenliu.ErrorCode(err) != fenliu.ENotFound {
				return nil, err
			}
		}
		return out, nil
	}
	prefix := Open311RefPrefix
	if f.ServiceCode != "" {
		prefix += f.ServiceCode + ":"
	}
	list, err := a.db.IncidentsByRef(ctx, fenliu.ChannelAPI, prefix, f.From, f.To, f.Limit)
	if err != nil {
		return nil, err
	}
	for _, inc := range list {
		r, err := a.open311View(ctx, inc, names)
		if err != nil {
			return nil, err
		}
		if f.Status == "" || f.Status == r.Status {
			out = append(out, r)
		}
	}
	return out, nil
}

func (a *App) open311View(ctx context.Context, inc *fenliu.Incident, names *Names) (*Open311Request, error) {
	orders, err := a.db.OrdersOfIncident(ctx, inc.ID)
	if err != nil {
		return nil, err
	}
	events, err := a.db.Events(ctx, inc.ID)
	if err != nil {
		return nil, err
	}
	code := strings.SplitN(strings.TrimPrefix(inc.ChannelRef, Open311RefPrefix), ":", 2)[0]
	r := &Open311Request{ID: strconv.FormatInt(inc.ID, 10), ServiceCode: code, RequestedAt: inc.ReceivedAt, UpdatedAt: inc.CreatedAt,
		Address: inc.Address, Lat: inc.Lat, Long: inc.Lng, Description: strings.TrimSpace(inc.Text[strings.Index(inc.Text, "】")+len("】"):])}
	if !strings.HasPrefix(inc.Text, "【") {
		r.Description = inc.Text
	}
	if c := a.Catalog(); c != nil {
		if cat := c.Category(code); cat != nil {
			r.ServiceName = cat.NameZH
		}
	}
	if len(events) > 0 {
		r.UpdatedAt = events[len(events)-1].At
	}
	open := inc.Disposition == "" || inc.Disposition == fenliu.DispDivert && len(orders) == 0
	var lead *fenliu.Order
	for _, o := range orders {
		if o.State.Open() {
			open = true
		}
		if o.Role == fenliu.OrderLead && o.State != fenliu.StateRerouted {
			lead = o
		}
	}
	r.Status = "closed"
	if open {
		r.Status = "open"
	}
	switch {
	case lead != nil:
		r.AgencyResponsible = names.Units[lead.UnitID]
		r.StatusNotes = lead.State.ZH()
	case inc.Disposition == "":
		r.StatusNotes = "已受理，待研判"
	case inc.Hotline != "":
		r.StatusNotes = "请致电 " + inc.Hotline
		r.AgencyResponsible = inc.Hotline
	case inc.Disposition == fenliu.DispDivert:
		r.StatusNotes = "已分流，待派单"
	default:
		r.StatusNotes = "已由公安处置"
	}
	return r, nil
}

// Open311Updates lists the public steps of Open311 requests at times in
// [from, to), oldest first.
func (a *App) Open311Updates(ctx context.Context, from, to time.Time) ([]*Open311Update, error) {
	if to.IsZero() {
		to = a.now().Add(time.Second)
	}
	if from.IsZero() {
		from = to.AddDate(0, 0, -1)
	}
	events, err := a.db.EventsByRef(ctx, fenliu.ChannelAPI, Open311RefPrefix, from, to, 1000)
	if err != nil {
		return nil, err
	}
	out := []*Open311Update{}
	for _, e := range events {
		if !fenliu.PublicEvent(e.Kind) {
			continue
		}
		status := "open"
		if e.ToState == fenliu.StateClosed || e.ToState == fenliu.StateVisited {
			status = "closed"
		}
		desc := string(e.Kind)
		if e.ToState != "" {
			desc = e.ToState.ZH()
		} else if e.Kind == fenliu.EvIntake {
			desc = "已受理"
		} else if e.Kind == fenliu.EvDecide {
			desc = "已研判"
		}
		out = append(out, &Open311Update{ID: strconv.FormatInt(e.ID, 10), RequestID: strconv.FormatInt(e.IncidentID, 10), Status: status, Description: desc, UpdatedAt: e.At})
	}
	return out, nil
}

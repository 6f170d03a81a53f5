package httpapi

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/fenliu/fenliu"
)

// IncidentResponse answers an intake: the incident and whether it is new.
// With a transfer (the body's "transfer" object), the orders dispatched and
// the units kept as suggestions come too.
type IncidentResponse struct {
	Incident  *fenliu.Incident    `json:"incident"`
	Created   bool                `json:"created"`
	Orders    []*fenliu.Order     `json:"orders,omitempty"`
	Suggested []fenliu.Assignment `json:"suggested,omitempty"`
}

// intakeBody is an incident as a channel sends it, optionally with the
// one-click transfer in the same request: "transfer": {} transfers as the
// engine suggests; its fields change the decision or the units.
type intakeBody struct {
	fenliu.IncidentInput
	Transfer *transferBody `json:"transfer"`
}

type transferBody struct {
	Decision fenliu.DecisionInput `json:"decision"`
	Orders   []fenliu.OrderSpec   `json:"orders"`
	Note     string               `json:"note"`
}

func (api *API) createIncident(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	var in intakeBody
	if err := decode(w, r, api.maxBody, &in); err != nil {
		api.fail(w, r, err)
		return
	}
	if in.Transfer != nil {
		res, err := api.app.Transfer(r.Context(), u, fenliu.TransferInput{Incident: &in.IncidentInput,
			Decision: in.Transfer.Decision, Orders: in.Transfer.Orders, Note: in.Transfer.Note})
		if err != nil {
			api.fail(w, r, err)
			return
		}
		api.intakeAnswer(w, &IncidentResponse{Incident: res.Incident, Created: res.Created, Orders: res.Orders, Suggested: res.Suggested})
		return
	}
	inc, created, err := api.app.Intake(r.Context(), u, in.IncidentInput)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	api.intakeAnswer(w, &IncidentResponse{Incident: inc, Created: created})
}

func (api *API) intakeAnswer(w http.ResponseWriter, res *IncidentResponse) {
	status := http.StatusOK
	if res.Created {
		status = http.StatusCreated
		w.Header().Set("Location", fmt.Sprintf("/api/v1/incidents/%d", res.Incident.ID))
	}
	writeJSON(w, status, res)
}

// transfer is the one-click transfer of an incident already recorded.
func (api *API) transfer(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	id, err := pathID(r, "id")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	var body transferBody
	if r.ContentLength != 0 {
		if err := decode(w, r, api.maxBody, &body); err != nil {
			api.fail(w, r, err)
			return
		}
	}
	res, err := api.app.Transfer(r.Context(), u, fenliu.TransferInput{IncidentID: id, Decision: body.Decision, Orders: body.Orders, Note: body.Note})
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// dispatchSuggested passes an incident routed to the desk or the duty room
// on to the units routing suggested.
func (api *API) dispatchSuggested(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	id, err := pathID(r, "id")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	var body struct {
		Note string `json:"note"`
	}
	if r.ContentLength != 0 {
		if err := decode(w, r, api.maxBody, &body); err != nil {
			api.fail(w, r, err)
			return
		}
	}
	orders, err := api.app.DispatchSuggested(r.Context(), u, id, body.Note)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"orders": orders})
}

func (api *API) listIncidents(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	q := r.URL.Query()
	f := fenliu.IncidentFilter{Disposition: fenliu.Disposition(q.Get("disposition")), Channel: fenliu.Channel(q.Get("channel")),
		Phone: q.Get("phone"), Category: q.Get("category")}
	if f.Disposition != "" && !f.Disposition.Valid() {
		api.fail(w, r, &fenliu.Error{Code: fenliu.EInvalid, Field: "disposition", ZH: "未知的处置方式", EN: "unknown disposition"})
		return
	}
	if f.Channel != "" && !f.Channel.Valid() {
		api.fail(w, r, &fenliu.Error{Code: fenliu.EInvalid, Field: "channel", ZH: "未知的渠道", EN: "unknown channel"})
		return
	}
	var page listPage
	err := page.parse(r, map[string]*int64{"area_id": &f.AreaID, "unit_id": &f.UnitID})
	f.Before, f.Limit, f.From, f.To = page.before, page.limit, page.from, page.to
	if err != nil {
		api.fail(w, r, err)
		return
	}
	list, err := api.app.Incidents(r.Context(), u, f)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"incidents": list, "next_before": nextBefore(list, f.Limit)})
}

// nextBefore is the cursor of a list's next page: the last id of a full
// page, or 0 when this page is the last.
func nextBefore[T interface {
	*fenliu.Incident | *fenliu.Order
}](list []T, limit int) int64 {
	if len(list) == 0 || len(list) != fenliu.PageLimit(limit) {
		return 0
	}
	switch last := any(list[len(list)-1]).(type) {
	case *fenliu.Incident:
		return last.ID
	case *fenliu.Order:
		return last.ID
	}
	return 0
}

// listPage is a list's paging and time window, with its id filters.
type listPage struct {
	before   int64
	limit    int
	from, to time.Time
}

// parse reads before, limit, from and to, and the named integer filters.
func (p *listPage) parse(r *http.Request, ids map[string]*int64) error {
	for name, dst := range ids {
		v, err := queryInt(r, name)
		if err != nil {
			return err
		}
		*dst = v
	}
	var err error
	if p.before, err = queryInt(r, "before"); err != nil {
		return err
	}
	lim, err := queryInt(r, "limit")
	if err != nil {
		return err
	}
	p.limit = int(lim)
	if p.from, err = queryTime(r, "from"); err != nil {
		return err
	}
	p.to, err = queryTime(r, "to")
	return err
}

func (api *API) getIncident(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	id, err := pathID(r, "id")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	v, err := api.app.Incident(r.Context(), u, id)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (api *API) decide(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	id, err := pathID(r, "id")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	var d fenliu.DecisionInput
	if err := decode(w, r, api.maxBody, &d); err != nil {
		api.fail(w, r, err)
		return
	}
	inc, err := api.app.Decide(r.Context(), u, id, d)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"incident": inc})
}

func (api *API) dispatch(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	id, err := pathID(r, "id")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	var d fenliu.DispatchInput
	if err := decode(w, r, api.maxBody, &d); err != nil {
		api.fail(w, r, err)
		return
	}
	orders, err := api.app.Dispatch(r.Context(), u, id, d)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"orders": orders})
}

// triage answers what the engine suggests for a text (nothing is written).
func (api *API) triage(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	if err := fenliu.CanIntake(u); err != nil {
		api.fail(w, r, err)
		return
	}
	var body struct {
		Text    string `json:"text"`
		AreaID  int64  `json:"area_id"`
		Phone   string `json:"caller_phone"`
		Address string `json:"address"`
	}
	if err := decode(w, r, api.maxBody, &body); err != nil {
		api.fail(w, r, err)
		return
	}
	if strings.TrimSpace(body.Text) == "" {
		api.fail(w, r, &fenliu.Error{Code: fenliu.EInvalid, Field: "text", ZH: "诉求内容不能为空", EN: "text is required"})
		return
	}
	s, err := api.app.Suggest(r.Context(), u, body.Text, body.AreaID, body.Phone, body.Address)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s)
}

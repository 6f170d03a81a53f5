package open311_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/server/servertest"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schema compiles one of the GeoReport v2 JSON schemas copied from
// ../shared/standards/open311-georeport-v2/ into testdata.
func schema(t *testing.T, name string) *jsonschema.Schema {
	t.Helper()
	path, err := filepath.Abs(filepath.Join("testdata", "georeport-v2", name))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft4)
	c.AssertFormat()
	s, err := c.Compile(path)
	if err != nil {
		t.Fatalf("schema %s: %v", name, err)
	}
	return s
}

// valid checks a body against a schema and returns it decoded.
func valid(t *testing.T, s *jsonschema.Schema, body []byte) any {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("not JSON: %v: %s", err, body)
	}
	if err := s.Validate(doc); err != nil {
		t.Fatalf("does not follow the schema: %v\n%s", err, body)
	}
	return doc
}

func get(t *testing.T, u string) (int, []byte) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func post(t *testing.T, u string, form url.Values) (int, []byte) {
	t.Helper()
	resp, err := http.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// TestGeoReport: every GeoReport v2 answer follows the published JSON
// schemas, XML comes too, a posted request becomes an incident on the api
// channel that is worked like any other, its status follows the work
// order, and the reporter's personal data never shows.
func TestGeoReport(t *testing.T) {
	m := servertest.Start(t, "", nil)
	ctx := context.Background()
	a := m.App
	admin := &fenliu.User{Username: "admin", DisplayName: "管理员", Role: fenliu.RoleAdmin}
	if err := a.Bootstrap(ctx, admin, ""); err != nil {
		t.Fatal(err)
	}
	unit := &fenliu.Unit{Code: "UM", Name: "江南区城管执法大队", Type: fenliu.UTUrbanManagement, AlwaysOn: true}
	if err := a.CreateUnit(ctx, admin, unit); err != nil {
		t.Fatal(err)
	}
	system := &fenliu.User{Username: "open311", DisplayName: "FixMyStreet 接入", Role: fenliu.RoleCallTaker}
	if err := a.CreateUser(ctx, admin, system, ""); err != nil {
		t.Fatal(err)
	}
	key, err := a.CreateToken(ctx, admin, system.ID, "open311")
	if err != nil {
		t.Fatal(err)
	}
	base := m.URL() + "/open311/v2/"

	// Discovery.
	st, body := get(t, base+"discovery.json")
	var disc struct {
		Endpoints []struct {
			Specification string   `json:"specification"`
			URL           string   `json:"url"`
			Formats       []string `json:"formats"`
		} `json:"endpoints"`
	}
	if st != 200 || json.Unmarshal(body, &disc) != nil || len(disc.Endpoints) != 1 || disc.Endpoints[0].URL != m.URL()+"/open311/v2" {
		t.Fatalf("discovery: %d %s", st, body)
	}
	// Services, from the catalogue, as JSON and XML.
	st, body = get(t, base+"services.json")
	if st != 200 {
		t.Fatalf("services: %d", st)
	}
	list := valid(t, schema(t, "services.json"), body).([]any)
	if n := len(a.Catalog().Categories()); len(list) != n || n < 10 {
		t.Fatalf("%d services for %d categories", len(list), n)
	}
	code := list[0].(map[string]any)["service_code"].(string)
	st, body = get(t, base+"services.xml")
	var sx struct {
		Services []struct {
			Code string `xml:"service_code"`
		} `xml:"service"`
	}
	if st != 200 || xml.Unmarshal(body, &sx) != nil || len(sx.Services) != len(list) || sx.Services[0].Code != code {
		t.Fatalf("services.xml: %d, %d services", st, len(sx.Services))
	}
	st, body = get(t, base+"services/"+url.PathEscape(code)+".json")
	if st != 200 {
		t.Fatalf("service definition: %d %s", st, body)
	}
	valid(t, schema(t, "service-definition.json"), body)
	if st, _ := get(t, base+"services/no.such.json"); st != 404 {
		t.Errorf("unknown service: %d", st)
	}

	// POST requests: refused without a good key, a known service, a place.
	form := url.Values{"api_key": {key}, "service_code": {code}, "description": {"小区门口垃圾堆了三天没人清运，气味很大"},
		"address_string": {"江南大道100号"}, "lat": {"22.78"}, "long": {"108.30"},
		"first_name": {"张"}, "last_name": {"三丰"}, "email": {"zhang@example.org"}, "phone": {"13912345678"}}
	for name, change := range map[string]func(url.Values){
		"no key":      func(f url.Values) { f.Del("api_key") },
		"bad key":     func(f url.Values) { f.Set("api_key", "nope") },
		"bad service": func(f url.Values) { f.Set("service_code", "no.such") },
		"bad lat":     func(f url.Values) { f.Set("lat", "north") },
		"no place":    func(f url.Values) { f.Del("lat"); f.Del("long"); f.Del("address_string") },
	} {
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		change(f)
		st, body := post(t, base+"requests.json", f)
		var errs []struct {
			Code        int    `json:"code"`
			Description string `json:"description"`
		}
		if st < 400 || st >= 500 || json.Unmarshal(body, &errs) != nil || len(errs) != 1 || errs[0].Code != st || errs[0].Description == "" {
			t.Errorf("%s: %d %s", name, st, body)
		}
	}
	st, body = post(t, base+"requests.json", form)
	if st != 201 {
		t.Fatalf("post: %d %s", st, body)
	}
	created := valid(t, schema(t, "requests.json"), body).([]any)[0].(map[string]any)
	id := created["service_request_id"].(string)
	for _, private := range []string{"13912345678", "zhang@example.org", "三丰"} {
		if bytes.Contains(body, []byte(private)) {
			t.Errorf("the answer shows %q", private)
		}
	}
	if created["status"] != "open" || created["service_code"] != code {
		t.Errorf("created %v", created)
	}
	// It is an incident on the api channel, worked as any other.
	incID, _ := strconv.ParseInt(id, 10, 64)
	// The linkage desk, who handles it, sees the caller in full (perm.go's
	// CallerAccessTo); the admin would see it masked.
	desk := &fenliu.User{ID: admin.ID, Role: fenliu.RoleLinkageDesk}
	view, err := a.Incident(ctx, desk, incID)
	if err != nil || view.Incident.Channel != fenliu.ChannelAPI || view.Incident.CallerPhone != "13912345678" || !strings.Contains(view.Incident.Text, "垃圾") {
		t.Fatalf("incident: %+v %v", view, err)
	}
	if view.Incident.Disposition == "" {
		if _, err := a.Decide(ctx, admin, incID, fenliu.DecisionInput{Disposition: fenliu.DispDivert}); err != nil {
			t.Fatal(err)
		}
	}
	orders, _ := a.Orders(ctx, admin, fenliu.OrderFilter{IncidentID: incID})
	if len(orders) == 0 {
		if orders, err = a.Dispatch(ctx, admin, incID, fenliu.DispatchInput{Orders: []fenliu.OrderSpec{{UnitID: unit.ID, Role: fenliu.OrderLead}}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, act := range []fenliu.Action{fenliu.ActSign, fenliu.ActFeedback, fenliu.ActVerify} {
		if _, err := a.Act(ctx, admin, orders[0].ID, act, fenliu.ActionInput{Note: "已清运"}); err != nil {
			t.Fatalf("%s: %v", act, err)
		}
	}
	st, body = get(t, base+"requests/"+id+".json")
	if st != 200 {
		t.Fatalf("request: %d %s", st, body)
	}
	got := valid(t, schema(t, "requests.json"), body).([]any)[0].(map[string]any)
	if got["status"] != "closed" || got["agency_responsible"] != unit.Name || got["status_notes"] == "" {
		t.Errorf("after closing: %v", got)
	}
	for _, private := range []string{"13912345678", "zhang@example.org", "三丰"} {
		if bytes.Contains(body, []byte(private)) {
			t.Errorf("the request shows %q", private)
		}
	}
	st, body = get(t, base+"requests.json?status=closed&service_code="+url.QueryEscape(code))
	if st != 200 || len(valid(t, schema(t, "requests.json"), body).([]any)) != 1 {
		t.Errorf("requests closed: %d %s", st, body)
	}
	st, body = get(t, base+"requests.json?status=open")
	if st != 200 || len(valid(t, schema(t, "requests.json"), body).([]any)) != 0 {
		t.Errorf("requests open: %d %s", st, body)
	}
	st, body = get(t, base+"requests.json?service_request_id="+id+",999")
	if st != 200 || len(valid(t, schema(t, "requests.json"), body).([]any)) != 1 {
		t.Errorf("requests by id: %d %s", st, body)
	}
	if st, _ := get(t, base+"requests.json?start_date=yesterday"); st != 400 {
		t.Errorf("bad start_date: %d", st)
	}
	if st, _ := get(t, base+"requests/999.json"); st != 404 {
		t.Errorf("unknown request: %d", st)
	}
	st, body = get(t, base+"requests/"+id+".xml")
	var rx struct {
		Requests []struct {
			ID     string `xml:"service_request_id"`
			Status string `xml:"status"`
		} `xml:"request"`
	}
	if st != 200 || xml.Unmarshal(body, &rx) != nil || len(rx.Requests) != 1 || rx.Requests[0].Status != "closed" {
		t.Errorf("request.xml: %d %s", st, body)
	}
	// FixMyStreet's updates: each public step, the last one closing it.
	st, body = get(t, base+"servicerequestupdates.json")
	var ups []struct {
		ID        string `json:"update_id"`
		RequestID string `json:"service_request_id"`
		Status    string `json:"status"`
		Updated   string `json:"updated_datetime"`
	}
	if st != 200 || json.Unmarshal(body, &ups) != nil || len(ups) < 4 || ups[len(ups)-1].Status != "closed" || ups[0].RequestID != id {
		t.Errorf("updates: %d %s", st, body)
	}
	if st, body := get(t, base+"servicerequestupdates.xml"); st != 200 || !bytes.Contains(body, []byte("<service_request_updates>")) {
		t.Errorf("updates.xml: %d", st)
	}
}

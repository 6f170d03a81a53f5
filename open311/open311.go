// Package open311 serves Open311 GeoReport v2 at /open311/v2/: discovery,
// services and their definitions (from the matter catalogue), posting a
// service request (the api_key is the API token of the outside system's
// account) and following requests, with FixMyStreet's servicerequestupdates
// extension. Every answer comes as JSON or XML by the path's extension.
// It holds no rules: every handler calls package app.
package open311

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
)

// Server serves /open311/v2/.
type Server struct {
	app *app.App
	log *slog.Logger
}

// New returns the Open311 server over a.
func New(a *app.App, log *slog.Logger) *Server { return &Server{app: a, log: log} }

// Routes is the route table.
func (s *Server) Routes() map[string]http.HandlerFunc {
	return map[string]http.HandlerFunc{
		"GET /open311/v2/{file}":          s.get,
		"POST /open311/v2/{file}":         s.post,
		"GET /open311/v2/services/{file}": s.serviceDefinition,
		"GET /open311/v2/requests/{file}": s.request,
	}
}

// Register adds the routes to mux.
func (s *Server) Register(mux *http.ServeMux) {
	for p, h := range s.Routes() {
		mux.HandleFunc(p, h)
	}
}

// split parses "name.json" or "name.xml".
func split(file string) (name, format string, ok bool) {
	i := strings.LastIndex(file, ".")
	if i <= 0 {
		return "", "", false
	}
	name, format = file[:i], file[i+1:]
	return name, format, format == "json" || format == "xml"
}

func (s *Server) get(w http.ResponseWriter, r *http.Request) {
	name, format, ok := split(r.PathValue("file"))
	if !ok {
		s.fail(w, "json", http.StatusNotFound, "no such endpoint; add .json or .xml")
		return
	}
	switch name {
	case "discovery":
		s.discovery(w, r, format)
	case "services":
		s.services(w, r, format)
	case "requests":
		s.requests(w, r, format)
	case "servicerequestupdates":
		s.updates(w, r, format)
	default:
		s.fail(w, format, http.StatusNotFound, "no such endpoint")
	}
}

// Documents, in both formats.

type service struct {
	XMLName     xml.Name `json:"-" xml:"service"`
	Code        string   `json:"service_code" xml:"service_code"`
	Name        string   `json:"service_name" xml:"service_name"`
	Description string   `json:"description" xml:"description"`
	Metadata    bool     `json:"metadata" xml:"metadata"`
	Type        string   `json:"type" xml:"type"`
	Keywords    string   `json:"keywords" xml:"keywords"`
	Group       string   `json:"group" xml:"group"`
}

type services struct {
	XMLName xml.Name  `xml:"services"`
	List    []service `xml:"service"`
}

type definition struct {
	XMLName    xml.Name `json:"-" xml:"service_definition"`
	Code       string   `json:"service_code" xml:"service_code"`
	Attributes []struct {
	} `json:"attributes" xml:"attributes"`
}

type request struct {
	XMLName           xml.Name `json:"-" xml:"request"`
	ID                string   `json:"service_request_id" xml:"service_request_id"`
	Status            string   `json:"status" xml:"status"`
	StatusNotes       string   `json:"status_notes" xml:"status_notes"`
	ServiceName       string   `json:"service_name" xml:"service_name"`
	ServiceCode       string   `json:"service_code" xml:"service_code"`
	Description       string   `json:"description" xml:"description"`
	AgencyResponsible string   `json:"agency_responsible" xml:"agency_responsible"`
	ServiceNotice     string   `json:"service_notice" xml:"service_notice"`
	Requested         string   `json:"requested_datetime" xml:"requested_datetime"`
	Updated           string   `json:"updated_datetime" xml:"updated_datetime"`
	Address           string   `json:"address" xml:"address"`
	Lat               *float64 `json:"lat" xml:"lat,omitempty"`
	Long              *float64 `json:"long" xml:"long,omitempty"`
}

type requests struct {
	XMLName xml.Name  `xml:"service_requests"`
	List    []request `xml:"request"`
}

type update struct {
	XMLName     xml.Name `json:"-" xml:"request_update"`
	ID          string   `json:"update_id" xml:"update_id"`
	RequestID   string   `json:"service_request_id" xml:"service_request_id"`
	Status      string   `json:"status" xml:"status"`
	Updated     string   `json:"updated_datetime" xml:"updated_datetime"`
	Description string   `json:"description" xml:"description"`
	MediaURL    string   `json:"media_url" xml:"media_url"`
}

type updates struct {
	XMLName xml.Name `xml:"service_request_updates"`
	List    []update `xml:"request_update"`
}

type endpoint struct {
	Specification string   `json:"specification" xml:"specification"`
	URL           string   `json:"url" xml:"url"`
	Changeset     string   `json:"changeset" xml:"changeset"`
	Type          string   `json:"type" xml:"type"`
	Formats       []string `json:"formats" xml:"formats>format"`
}

type discovery struct {
	XMLName    xml.Name   `json:"-" xml:"discovery"`
	Changeset  string     `json:"changeset" xml:"changeset"`
	Contact    string     `json:"contact" xml:"contact"`
	KeyService string     `json:"key_service" xml:"key_service"`
	Endpoints  []endpoint `json:"endpoints" xml:"endpoints>endpoint"`
}

type apiError struct {
	XMLName     xml.Name `json:"-" xml:"error"`
	Code        int      `json:"code" xml:"code"`
	Description string   `json:"description" xml:"description"`
}

type apiErrors struct {
	XMLName xml.Name   `xml:"errors"`
	List    []apiError `xml:"error"`
}

const stamp = time.RFC3339

func (s *Server) write(w http.ResponseWriter, format string, status int, jsonDoc, xmlDoc any) {
	if format == "xml" {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		w.WriteHeader(status)
		w.Write([]byte(xml.Header))
		xml.NewEncoder(w).Encode(xmlDoc)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(jsonDoc)
}

func (s *Server) fail(w http.ResponseWriter, format string, status int, desc string) {
	e := apiError{Code: status, Description: desc}
	s.write(w, format, status, []apiError{e}, apiErrors{List: []apiError{e}})
}

// failErr answers a domain error with its status and English message.
func (s *Server) failErr(w http.ResponseWriter, format string, err error) {
	var e *fenliu.Error
	if !errors.As(err, &e) {
		s.log.Error("open311", "err", err)
		s.fail(w, format, http.StatusInternalServerError, "internal error")
		return
	}
	s.fail(w, format, fenliu.StatusOf(err), e.EN+" / "+e.ZH)
}

func (s *Server) discovery(w http.ResponseWriter, r *http.Request, format string) {
	base := "http://" + r.Host + "/open311/v2"
	if r.TLS != nil {
		base = "https://" + r.Host + "/open311/v2"
	}
	d := discovery{Changeset: "2026-12-07T00:00:00Z", Contact: "12345 政务服务便民热线", KeyService: "API tokens for outside systems are issued by the city's administrators in the Fenliu console.",
		Endpoints: []endpoint{{Specification: "http://wiki.open311.org/GeoReport_v2", URL: base, Changeset: "2026-12-07T00:00:00Z", Type: "production", Formats: []string{"application/json", "text/xml"}}}}
	s.write(w, format, http.StatusOK, d, d)
}

func toService(x app.Open311Service) service {
	return service{Code: x.Code, Name: x.Name, Description: x.Description, Metadata: false, Type: "realtime", Keywords: strings.Join(x.Keywords, ","), Group: x.Group}
}

func lang(r *http.Request) string {
	if strings.HasPrefix(r.URL.Query().Get("locale"), "en") {
		return "en"
	}
	return "zh"
}

func (s *Server) services(w http.ResponseWriter, r *http.Request, format string) {
	list := []service{}
	for _, x := range s.app.Open311Services(lang(r)) {
		list = append(list, toService(x))
	}
	s.write(w, format, http.StatusOK, list, services{List: list})
}

func (s *Server) serviceDefinition(w http.ResponseWriter, r *http.Request) {
	code, format, ok := split(r.PathValue("file"))
	if !ok {
		s.fail(w, "json", http.StatusNotFound, "no such endpoint; add .json or .xml")
		return
	}
	x, err := s.app.Open311Service(lang(r), code)
	if err != nil {
		s.failErr(w, format, err)
		return
	}
	d := definition{Code: x.Code, Attributes: []struct{}{}}
	s.write(w, format, http.StatusOK, d, d)
}

func toRequest(x *app.Open311Request) request {
	return request{ID: x.ID, Status: x.Status, StatusNotes: x.StatusNotes, ServiceName: x.ServiceName, ServiceCode: x.ServiceCode,
		Description: x.Description, AgencyResponsible: x.AgencyResponsible, ServiceNotice: x.ServiceNotice,
		Requested: x.RequestedAt.Format(stamp), Updated: x.UpdatedAt.Format(stamp), Address: x.Address, Lat: x.Lat, Long: x.Long}
}

func (s *Server) request(w http.ResponseWriter, r *http.Request) {
	id, format, ok := split(r.PathValue("file"))
	if !ok {
		s.fail(w, "json", http.StatusNotFound, "no such endpoint; add .json or .xml")
		return
	}
	x, err := s.app.Open311Get(r.Context(), id)
	if err != nil {
		s.failErr(w, format, err)
		return
	}
	list := []request{toRequest(x)}
	s.write(w, format, http.StatusOK, list, requests{List: list})
}

func parseTime(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339, v)
}

func (s *Server) requests(w http.ResponseWriter, r *http.Request, format string) {
	q := r.URL.Query()
	f := app.Open311Filter{ServiceCode: q.Get("service_code"), Status: q.Get("status")}
	if f.Status != "" && f.Status != "open" && f.Status != "closed" {
		s.fail(w, format, http.StatusBadRequest, "status must be open or closed")
		return
	}
	var err error
	if f.From, err = parseTime(q.Get("start_date")); err != nil {
		s.fail(w, format, http.StatusBadRequest, "start_date must be a W3C date-time (2026-12-07T08:00:00+08:00)")
		return
	}
	if f.To, err = parseTime(q.Get("end_date")); err != nil {
		s.fail(w, format, http.StatusBadRequest, "end_date must be a W3C date-time (2026-12-07T08:00:00+08:00)")
		return
	}
	if ids := q.Get("service_request_id"); ids != "" {
		for _, v := range strings.Split(ids, ",") {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil || n <= 0 {
				s.fail(w, format, http.StatusBadRequest, "service_request_id must be a comma-separated list of ids")
				return
			}
			f.IDs = append(f.IDs, n)
		}
	}
	list, err := s.app.Open311List(r.Context(), f)
	if err != nil {
		s.failErr(w, format, err)
		return
	}
	out := []request{}
	for _, x := range list {
		out = append(out, toRequest(x))
	}
	s.write(w, format, http.StatusOK, out, requests{List: out})
}

func (s *Server) updates(w http.ResponseWriter, r *http.Request, format string) {
	from, err := parseTime(r.URL.Query().Get("start_date"))
	if err != nil {
		s.fail(w, format, http.StatusBadRequest, "start_date must be a W3C date-time")
		return
	}
	to, err := parseTime(r.URL.Query().Get("end_date"))
	if err != nil {
		s.fail(w, format, http.StatusBadRequest, "end_date must be a W3C date-time")
		return
	}
	list, err := s.app.Open311Updates(r.Context(), from, to)
	if err != nil {
		s.failErr(w, format, err)
		return
	}
	out := []update{}
	for _, x := range list {
		out = append(out, update{ID: x.ID, RequestID: x.RequestID, Status: x.Status, Updated: x.UpdatedAt.Format(stamp), Description: x.Description})
	}
	s.write(w, format, http.StatusOK, out, updates{List: out})
}

func (s *Server) post(w http.ResponseWriter, r *http.Request) {
	name, format, ok := split(r.PathValue("file"))
	if !ok || name != "requests" {
		s.fail(w, "json", http.StatusNotFound, "no such endpoint; POST requests.json or requests.xml")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		s.fail(w, format, http.StatusBadRequest, "the body must be a form (application/x-www-form-urlencoded) under 1 MiB")
		return
	}
	key := r.PostFormValue("api_key")
	if key == "" {
		s.fail(w, format, http.StatusUnauthorized, "api_key is required")
		return
	}
	u, err := s.app.Authenticate(r.Context(), key)
	if err != nil {
		s.failErr(w, format, err)
		return
	}
	in := app.Open311Input{ServiceCode: r.PostFormValue("service_code"), Description: r.PostFormValue("description"),
		Address: strings.TrimSpace(r.PostFormValue("address_string")), Email: r.PostFormValue("email"), Phone: r.PostFormValue("phone"),
		Name: strings.TrimSpace(r.PostFormValue("first_name") + " " + r.PostFormValue("last_name"))}
	for _, c := range []struct {
		field string
		dst   **float64
	}{{"lat", &in.Lat}, {"long", &in.Long}} {
		if v := r.PostFormValue(c.field); v != "" {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				s.fail(w, format, http.StatusBadRequest, c.field+" must be a number")
				return
			}
			*c.dst = &f
		}
	}
	x, err := s.app.Open311Submit(r.Context(), u, in)
	if err != nil {
		s.failErr(w, format, err)
		return
	}
	out := []request{toRequest(x)}
	s.write(w, format, http.StatusCreated, out, requests{List: out})
}

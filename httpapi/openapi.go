package httpapi

import (
	"encoding"
	"encoding/json"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/catalog"
)

// The OpenAPI 3.1 description of /api/v1, built from the route table and
// the Go types the handlers read and write, so it cannot drift from the
// code: a route without a description fails the test, and the API tests
// check real answers against the schemas here.

// op describes one route: what it does, the body it reads and the answer
// it gives (a Go value whose type is reflected; a map lists the answer's
// fields; nil: a JSON object not described further).
type op struct {
	summary string
	body    any
	status  int
	answer  any
}

type obj = map[string]any

// ops is the description of every route of the table, by pattern.
var ops = map[string]op{
	"GET /api/v1/areas/geojson":                           {"The areas' outlines as a GeoJSON FeatureCollection", nil, 200, nil},
	"POST /api/v1/areas/geojson":                          {"Import outlines from a GeoJSON FeatureCollection (features matched by area code)", nil, 200, nil},
	"PUT /api/v1/areas/{id}/outline":                      {"Set an area's outline (a GeoJSON Polygon or MultiPolygon)", nil, 200, nil},
	"GET /api/v1/addresses":                               {"The address directory (road or estate, house-number range → grid)", nil, 200, nil},
	"POST /api/v1/addresses":                              {"Add an address directory entry", nil, 201, nil},
	"DELETE /api/v1/addresses/{id}":                       {"Remove an address directory entry", nil, 200, nil},
	"GET /api/v1/map":                                     {"The leader's map: grids with their counts and the incidents to cluster", nil, 200, nil},
	"GET /api/v1/hotspots":                                {"Hotspots by grid, address or radius, with their trend", nil, 200, nil},
	"GET /api/v1/warnings":                                {"Class-level warnings (预警单) the user may see", nil, 200, nil},
	"GET /api/v1/warnings/{id}":                           {"A class-level warning with its evidence", nil, 200, nil},
	"GET /api/v1/scenarios":                               {"Governance scenarios (治理场景)", nil, 200, nil},
	"POST /api/v1/scenarios":                              {"Open a scenario from a warning or a hotspot", nil, 201, nil},
	"GET /api/v1/scenarios/{id}":                          {"A scenario with its measures and weekly calls before and since", nil, 200, nil},
	"POST /api/v1/scenarios/{id}/measures":                {"Add a measure to a scenario", nil, 201, nil},
	"POST /api/v1/scenarios/{id}/measures/{mid}/progress": {"The measure's unit reports progress", nil, 200, nil},
	"POST /api/v1/scenarios/{id}/close":                   {"Close a scenario (only once the calls have fallen and held)", nil, 200, nil},
	"GET /healthz":                                        {"The process is alive", nil, 200, obj{"status": ""}},
	"GET /readyz":                                         {"Ready to serve: the database answers and takes a write, the disk has room, the scheduler runs (503 with the reasons when not)", nil, 200, app.Readiness{}},
	"POST /api/v1/incidents/{id}/reveal":                  {"Reveal a masked caller in full, with a reason (recorded in the access log)", obj{"reason": ""}, 200, app.Caller{}},
	"GET /api/v1/access-log":                              {"Every full read and reveal of callers' personal data (admins)", nil, 200, obj{"access": []*app.Access{}, "next_before": int64(0)}},
	"POST /api/v1/users/{id}/disable":                     {"Disable a user: their sessions and tokens stop at once", nil, 200, obj{"user_id": int64(0), "disabled": true}},
	"POST /api/v1/users/{id}/enable":                      {"Enable a disabled user", nil, 200, obj{"user_id": int64(0), "disabled": false}},
	"GET /api/v1/tokens":                                  {"One's own API tokens (they expire after 90 days)", nil, 200, obj{"tokens": []*app.Token{}}},
	"DELETE /api/v1/tokens/{ref}":                         {"Revoke one of one's own tokens", nil, 200, nil},
	"POST /api/v1/triage/models":                          {"Install a trained triage model (the body is the model file); kept and made active only when not worse on safety and units (422 with the figures when worse)", nil, 201, app.ModelInstall{}},
	"GET /api/v1/triage/models":                           {"The kept triage model versions and the one in use", nil, 200, obj{"versions": []*fenliu.ModelVersion{}, "active_model": ""}},
	"POST /api/v1/triage/models/{id}/activate":            {"Switch to a kept model version (0: the built-in model)", nil, 200, obj{"active": int64(0), "active_model": ""}},
	"POST /api/v1/triage/models/rollback":                 {"Go back to the version installed before the active one", nil, 200, obj{"active": int64(0), "active_model": ""}},
	"GET /api/v1/reports/disagreements":                   {"Where the engine and people disagree most, by decided category", nil, 200, obj{"categories": []*app.Disagreement{}}},
	"GET /api/v1/health":                                  {"Is the server and its database up", nil, 200, obj{"status": ""}},
	"GET /api/v1/me":                                      {"The signed-in user", nil, 200, fenliu.User{}},
	"GET /api/v1/openapi.json":                            {"This description", nil, 200, nil},

	"POST /api/v1/incidents":                         {"Record an incident (有警必录); with transfer, decide and dispatch it too", intakeBody{}, 201, IncidentResponse{}},
	"GET /api/v1/incidents":                          {"List incidents, newest first", nil, 200, obj{"incidents": []*fenliu.Incident{}, "next_before": int64(0)}},
	"GET /api/v1/incidents/{id}":                     {"An incident with its orders and record", nil, 200, app.IncidentView{}},
	"POST /api/v1/incidents/{id}/decision":           {"Decide an incident's disposition", fenliu.DecisionInput{}, 200, obj{"incident": fenliu.Incident{}}},
	"POST /api/v1/incidents/{id}/orders":             {"Dispatch work orders", fenliu.DispatchInput{}, 201, obj{"orders": []*fenliu.Order{}}},
	"POST /api/v1/incidents/{id}/transfer":           {"Decide and dispatch in one step (一键转派)", transferBody{}, 200, IncidentResponse{}},
	"POST /api/v1/incidents/{id}/dispatch-suggested": {"Dispatch the orders routing suggests", obj{"note": ""}, 201, obj{"orders": []*fenliu.Order{}}},
	"POST /api/v1/triage":                            {"Triage a text (the suggestion a call-taker sees)", obj{"text": "", "area_id": int64(0), "phone": "", "address": ""}, 200, fenliu.Suggestion{}},

	"GET /api/v1/orders":                {"List work orders", nil, 200, obj{"orders": []*fenliu.Order{}, "next_before": int64(0)}},
	"GET /api/v1/orders/{id}":           {"A work order", nil, 200, obj{"order": fenliu.Order{}}},
	"POST /api/v1/orders/{id}/{action}": {"Act on a work order: sign, arrive, feedback, verify, reopen, return, reroute, cancel, callback, reject, hand_down", fenliu.ActionInput{}, 200, obj{"order": fenliu.Order{}}},
	"GET /api/v1/notices":               {"List notices", nil, 200, obj{"notices": []*fenliu.Notice{}}},
	"POST /api/v1/orders/{id}/notices":  {"Send a supervision or rectification notice", obj{"kind": "", "text": "", "due_at": time.Time{}}, 201, obj{"notice": fenliu.Notice{}}},
	"POST /api/v1/notices/{id}/reply":   {"Reply to a notice", obj{"reply": ""}, 200, obj{"replied": true}},

	"GET /api/v1/units":              {"List units", nil, 200, obj{"units": []*fenliu.Unit{}}},
	"POST /api/v1/units":             {"Add a unit", fenliu.Unit{}, 201, obj{"unit": fenliu.Unit{}}},
	"GET /api/v1/areas":              {"List areas", nil, 200, obj{"areas": []*fenliu.Area{}}},
	"POST /api/v1/areas":             {"Add an area", fenliu.Area{}, 201, obj{"area": fenliu.Area{}}},
	"GET /api/v1/users":              {"List users", nil, 200, obj{"users": []*fenliu.User{}}},
	"POST /api/v1/users":             {"Add a user", fenliu.User{}, 201, obj{"user": fenliu.User{}}},
	"POST /api/v1/users/{id}/tokens": {"Issue an API token for a user", nil, 201, obj{"token": "", "user_id": int64(0)}},

	"GET /api/v1/shifts":  {"List duty shifts", nil, 200, obj{"shifts": []*fenliu.Shift{}}},
	"POST /api/v1/shifts": {"Add a duty shift", fenliu.Shift{}, 201, obj{"shift": fenliu.Shift{}}},

	"GET /api/v1/catalog":                   {"The active matter catalogue", nil, 200, catalog.File{}},
	"POST /api/v1/catalog":                  {"Import a catalogue version (YAML or CSV)", nil, 201, obj{"version": "", "categories": 0}},
	"GET /api/v1/catalog/versions":          {"The catalogue's versions", nil, 200, nil},
	"PUT /api/v1/catalog/categories/{code}": {"Change one category (a new version)", nil, 200, obj{"version": ""}},

	"GET /api/v1/routing/rules":         {"Routing rules and mode", nil, 200, nil},
	"POST /api/v1/routing/rules":        {"Add a routing rule", nil, 201, nil},
	"DELETE /api/v1/routing/rules/{id}": {"Delete a routing rule", nil, 200, nil},
	"PUT /api/v1/routing/mode":          {"Set the routing mode", nil, 200, nil},
	"PUT /api/v1/calendar":              {"Set working hours and holidays", nil, 200, nil},
	"PUT /api/v1/limits/{unit_type}":    {"Override a unit type's time limits", nil, 200, nil},
	"PUT /api/v1/assessment/weights":    {"Set the assessment weights", nil, 200, nil},
	"GET /api/v1/settings":              {"The city's settings", nil, 200, nil},
	"PUT /api/v1/settings":              {"Change settings (validated together)", nil, 200, nil},

	"GET /api/v1/subscribers":                   {"List webhook subscribers with their streams", nil, 200, obj{"subscribers": []*fenliu.Subscriber{}}},
	"POST /api/v1/subscribers":                  {"Add a subscriber; the answer carries its secret, once", fenliu.SubscriberInput{}, 201, obj{"subscriber": fenliu.Subscriber{}}},
	"GET /api/v1/subscribers/{id}":              {"A subscriber and its stream", nil, 200, obj{"subscriber": fenliu.Subscriber{}}},
	"PUT /api/v1/subscribers/{id}":              {"Change a subscriber (an empty secret keeps it)", fenliu.SubscriberInput{}, 200, obj{"subscriber": fenliu.Subscriber{}}},
	"DELETE /api/v1/subscribers/{id}":           {"Remove a subscriber", nil, 200, obj{"deleted": true}},
	"GET /api/v1/subscribers/{id}/deliveries":   {"A subscriber's delivery attempts, newest first (failed=true: failures only)", nil, 200, obj{"deliveries": []*fenliu.Delivery{}}},
	"GET /api/v1/subscribers/{id}/dead-letters": {"A subscriber's dead letters", nil, 200, obj{"dead_letters": []*fenliu.DeadLetter{}}},
	"GET /api/v1/dead-letters/{id}":             {"A dead letter and its message", nil, 200, obj{"dead_letter": fenliu.DeadLetter{}, "message": fenliu.OutboxEntry{}}},
	"POST /api/v1/dead-letters/{id}/replay":     {"Send a dead letter again", nil, 202, obj{"dead_letter": fenliu.DeadLetter{}}},
	"GET /api/v1/changes":                       {"The change feed: outbox entries after a cursor, in order", nil, 200, obj{"changes": []*fenliu.OutboxEntry{}, "next": int64(0)}},

	"GET /api/v1/reports": {"A report of the rates over a period", nil, 200, app.Report{}},
}

// queryParams are the query parameters of the routes that take them.
var queryParams = map[string][]string{
	"GET /api/v1/changes":                       {"after", "limit"},
	"GET /api/v1/subscribers/{id}/deliveries":   {"failed", "limit"},
	"GET /api/v1/subscribers/{id}/dead-letters": {"limit"},
	"GET /api/v1/reports/disagreements":         {"min"},
	"POST /api/v1/triage/models":                {"note"},
}

// schemas reflects Go types into JSON Schema (2020-12, as OpenAPI 3.1
// uses), keeping each named struct once under components.
type schemas struct {
	defs map[string]any
}

func (s *schemas) of(t reflect.Type) map[string]any {
	if t == nil {
		return map[string]any{}
	}
	switch t {
	case reflect.TypeOf(time.Time{}):
		return map[string]any{"type": "string", "format": "date-time"}
	case reflect.TypeOf(json.RawMessage{}):
		return map[string]any{}
	}
	// A type that writes its own JSON: text is a string; any other form
	// is not described further.
	if t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface {
		if t.Implements(textMarshaler) || reflect.PointerTo(t).Implements(textMarshaler) {
			return map[string]any{"type": "string"}
		}
		if t.Implements(jsonMarshaler) || reflect.PointerTo(t).Implements(jsonMarshaler) {
			return map[string]any{}
		}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return map[string]any{"anyOf": []any{s.of(t.Elem()), map[string]any{"type": "null"}}}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string"}
		}
		return map[string]any{"type": []any{"array", "null"}, "items": s.of(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": []any{"object", "null"}, "additionalProperties": s.of(t.Elem())}
	case reflect.Interface:
		return map[string]any{}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Struct:
		name := strings.ReplaceAll(t.String(), ".", "_")
		if t.Name() == "" {
			return s.object(t)
		}
		if _, ok := s.defs[name]; !ok {
			s.defs[name] = map[string]any{} // recursion guard
			s.defs[name] = s.object(t)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return map[string]any{}
}

var (
	jsonMarshaler = reflect.TypeOf((*json.Marshaler)(nil)).Elem()
	textMarshaler = reflect.TypeOf((*encoding.TextMarshaler)(nil)).Elem()
)

// object is a struct's schema: its JSON fields, those without omitempty
// required.
func (s *schemas) object(t reflect.Type) map[string]any {
	props, req := map[string]any{}, []string{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" || (!f.IsExported() && !f.Anonymous) {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if f.Anonymous && name == "" {
				ft := f.Type
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					walk(ft)
					continue
				}
			}
			if name == "" {
				name = f.Name
			}
			props[name] = s.of(f.Type)
			if !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") {
				req = append(req, name)
			}
		}
	}
	walk(t)
	sort.Strings(req)
	out := map[string]any{"type": "object", "properties": props}
	if len(req) > 0 {
		out["required"] = req
	}
	return out
}

// value is the schema of an op's body or answer.
func (s *schemas) value(v any) map[string]any {
	if v == nil {
		return map[string]any{"type": "object"}
	}
	if m, ok := v.(obj); ok {
		props, req := map[string]any{}, []string{}
		for k, x := range m {
			props[k] = s.value(x)
			req = append(req, k)
		}
		sort.Strings(req)
		return map[string]any{"type": "object", "properties": props, "required": req}
	}
	return s.of(reflect.TypeOf(v))
}

// OpenAPI returns the description of the API as a JSON document.
func (api *API) OpenAPI() map[string]any {
	s := &schemas{defs: map[string]any{}}
	errSchema := s.of(reflect.TypeOf(ErrorBody{}))
	paths := map[string]any{}
	for _, r := range api.Routes() {
		method, path, _ := strings.Cut(r.Pattern, " ")
		d, ok := ops[r.Pattern]
		if !ok {
			d = op{summary: "(not described)", status: 200}
		}
		o := map[string]any{
			"operationId": operationID(r.Pattern),
			"summary":     d.summary,
			"tags":        []any{strings.SplitN(strings.TrimPrefix(path, "/api/v1/"), "/", 2)[0]},
			"responses": map[string]any{
				strconv.Itoa(d.status): map[string]any{"description": http.StatusText(d.status),
					"content": map[string]any{"application/json": map[string]any{"schema": s.value(d.answer)}}},
				"4XX": map[string]any{"description": "The request was refused: the error's code, the field at fault, the message in Chinese and English",
					"content": map[string]any{"application/json": map[string]any{"schema": errSchema}}},
				"5XX": map[string]any{"description": "The server or its database failed; try again",
					"content": map[string]any{"application/json": map[string]any{"schema": errSchema}}},
			},
		}
		if r.Public {
			o["security"] = []any{}
		}
		var params []any
		for _, seg := range strings.Split(path, "/") {
			if strings.HasPrefix(seg, "{") {
				name := strings.Trim(seg, "{}")
				sch := map[string]any{"type": "string"}
				if name == "id" {
					sch = map[string]any{"type": "integer", "minimum": 1}
				}
				params = append(params, map[string]any{"name": name, "in": "path", "required": true, "schema": sch})
			}
		}
		for _, q := range queryParams[r.Pattern] {
			sch := map[string]any{"type": "integer", "minimum": 0}
			if q == "failed" {
				sch = map[string]any{"type": "boolean"}
			}
			params = append(params, map[string]any{"name": q, "in": "query", "required": false, "schema": sch})
		}
		if method == http.MethodPost {
			params = append(params, map[string]any{"name": "Idempotency-Key", "in": "header", "required": false,
				"description": "A repeated key with the same request returns the first answer instead of acting twice (kept 24 hours).",
				"schema":      map[string]any{"type": "string", "minLength": 1, "maxLength": 255}})
		}
		if len(params) > 0 {
			o["parameters"] = params
		}
		if d.body != nil {
			o["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": s.value(d.body)}}}
		}
		item, _ := paths[path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[path] = item
		}
		item[strings.ToLower(method)] = o
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "Fenliu 分流 API", "version": "1",
			"description": "The JSON API of Fenliu, the non-police call diversion and linkage system. Errors carry a code, the field at fault and the message in Chinese and English.",
			"license":     map[string]any{"name": "Open source", "identifier": "MIT"}},
		"servers":    []any{map[string]any{"url": "/"}},
		"security":   []any{map[string]any{"bearer": []any{}}},
		"tags":       tags(paths),
		"paths":      paths,
		"components": map[string]any{"schemas": s.defs, "securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}}},
	}
}

func tags(paths map[string]any) []any {
	seen := map[string]bool{}
	for p := range paths {
		seen[strings.SplitN(strings.TrimPrefix(p, "/api/v1/"), "/", 2)[0]] = true
	}
	var names []string
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	out := []any{}
	for _, n := range names {
		out = append(out, map[string]any{"name": n, "description": "The " + n + " endpoints"})
	}
	return out
}

func operationID(pattern string) string {
	method, path, _ := strings.Cut(pattern, " ")
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	for _, seg := range strings.Split(strings.TrimPrefix(path, "/api/v1/"), "/") {
		seg = strings.Trim(seg, "{}")
		for _, part := range strings.FieldsFunc(seg, func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

func (api *API) openapi(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, api.OpenAPI())
}

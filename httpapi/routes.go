// Package httpapi is Fenliu's JSON API over HTTP: one route table over the
// service layer, token authentication, strict request decoding, and the
// domain's one mapping of error codes to HTTP statuses. It holds no rules
// and never touches the database: every handler calls package app.
package httpapi

import (
	"log/slog"
	"net/http"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
)

// API serves /api/v1/.
type API struct {
	app     *app.App
	log     *slog.Logger
	maxBody int64
}

// New returns the API over a.
func New(a *app.App, log *slog.Logger) *API {
	return &API{app: a, log: log, maxBody: DefaultMaxBody}
}

// Route is one entry of the route table.
type Route struct {
	Pattern string // a net/http ServeMux pattern: "METHOD /path/{param}"
	Public  bool   // answered without a token
	handler http.Handler
}

// Routes is the API's route table: every endpoint, in the order a reader
// would look for it. It reads like the API's map; the handlers live in one
// file per resource.
func (api *API) Routes() []Route {
	a := api.auth
	return []Route{
		{Pattern: "GET /api/v1/health", Public: true, handler: http.HandlerFunc(api.health)},
		{Pattern: "GET /healthz", Public: true, handler: http.HandlerFunc(api.healthz)},
		{Pattern: "GET /readyz", Public: true, handler: http.HandlerFunc(api.readyz)},
		{Pattern: "GET /api/v1/me", handler: a(api.me)},
		{Pattern: "GET /api/v1/openapi.json", Public: true, handler: http.HandlerFunc(api.openapi)},

		// Incidents (incidents.go): intake, the one-click transfer, decisions, dispatch.
		{Pattern: "POST /api/v1/incidents", handler: a(api.createIncident)},
		{Pattern: "GET /api/v1/incidents", handler: a(api.listIncidents)},
		{Pattern: "GET /api/v1/incidents/{id}", handler: a(api.getIncident)},
		{Pattern: "POST /api/v1/incidents/{id}/decision", handler: a(api.decide)},
		{Pattern: "POST /api/v1/incidents/{id}/orders", handler: a(api.dispatch)},
		{Pattern: "POST /api/v1/incidents/{id}/transfer", handler: a(api.transfer)},
		{Pattern: "POST /api/v1/incidents/{id}/dispatch-suggested", handler: a(api.dispatchSuggested)},
		{Pattern: "POST /api/v1/triage", handler: a(api.triage)},

		// Callers' personal data (privacy.go): the recorded reveal, the access log.
		{Pattern: "POST /api/v1/incidents/{id}/reveal", handler: a(api.revealCaller)},
		{Pattern: "GET /api/v1/access-log", handler: a(api.accessLog)},

		// Work orders (orders.go).
		{Pattern: "GET /api/v1/orders", handler: a(api.listOrders)},
		{Pattern: "GET /api/v1/orders/{id}", handler: a(api.getOrder)},
		{Pattern: "POST /api/v1/orders/{id}/{action}", handler: a(api.act)},

		// Notices (notices.go).
		{Pattern: "GET /api/v1/notices", handler: a(api.listNotices)},
		{Pattern: "POST /api/v1/orders/{id}/notices", handler: a(api.sendNotice)},
		{Pattern: "POST /api/v1/notices/{id}/reply", handler: a(api.replyNotice)},

		// The directory (directory.go): units, areas, users, tokens.
		{Pattern: "GET /api/v1/units", handler: a(api.listUnits)},
		{Pattern: "POST /api/v1/units", handler: a(api.createUnit)},
		{Pattern: "GET /api/v1/areas", handler: a(api.listAreas)},
		{Pattern: "POST /api/v1/areas", handler: a(api.createArea)},
		// Outlines and the address directory (places.go).
		{Pattern: "GET /api/v1/areas/geojson", handler: a(api.exportAreas)},
		{Pattern: "POST /api/v1/areas/geojson", handler: a(api.importAreas)},
		{Pattern: "PUT /api/v1/areas/{id}/outline", handler: a(api.setOutline)},
		{Pattern: "GET /api/v1/addresses", handler: a(api.listAddresses)},
		{Pattern: "POST /api/v1/addresses", handler: a(api.createAddress)},
		{Pattern: "DELETE /api/v1/addresses/{id}", handler: a(api.deleteAddress)},
		{Pattern: "GET /api/v1/users", handler: a(api.listUsers)},
		{Pattern: "POST /api/v1/users", handler: a(api.createUser)},
		{Pattern: "POST /api/v1/users/{id}/tokens", handler: a(api.createToken)},
		{Pattern: "POST /api/v1/users/{id}/disable", handler: a(api.disableUser)},
		{Pattern: "POST /api/v1/users/{id}/enable", handler: a(api.enableUser)},
		{Pattern: "GET /api/v1/tokens", handler: a(api.listTokens)},
		{Pattern: "DELETE /api/v1/tokens/{ref}", handler: a(api.revokeToken)},

		// Duty rosters (rosters.go).
		{Pattern: "GET /api/v1/shifts", handler: a(api.listShifts)},
		{Pattern: "POST /api/v1/shifts", handler: a(api.createShift)},

		// The matter catalogue (catalog.go).
		{Pattern: "GET /api/v1/catalog", handler: a(api.getCatalog)},
		{Pattern: "POST /api/v1/catalog", handler: a(api.importCatalog)},
		{Pattern: "GET /api/v1/catalog/versions", handler: a(api.catalogVersions)},
		{Pattern: "PUT /api/v1/catalog/categories/{code}", handler: a(api.putCategory)},

		// Routing and settings (settings.go).
		{Pattern: "GET /api/v1/routing/rules", handler: a(api.listRules)},
		{Pattern: "POST /api/v1/routing/rules", handler: a(api.createRule)},
		{Pattern: "DELETE /api/v1/routing/rules/{id}", handler: a(api.deleteRule)},
		{Pattern: "PUT /api/v1/routing/mode", handler: a(api.setRouting)},
		{Pattern: "PUT /api/v1/calendar", handler: a(api.setCalendar)},
		{Pattern: "PUT /api/v1/limits/{unit_type}", handler: a(api.setLimits)},
		{Pattern: "PUT /api/v1/assessment/weights", handler: a(api.setWeights)},
		{Pattern: "GET /api/v1/settings", handler: a(api.listSettings)},
		{Pattern: "PUT /api/v1/settings", handler: a(api.putSettings)},

		// Linked systems (subscribers.go): webhook subscribers, their
		// delivery log and dead letters; the change feed for polling.
		{Pattern: "GET /api/v1/subscribers", handler: a(api.listSubscribers)},
		{Pattern: "POST /api/v1/subscribers", handler: a(api.createSubscriber)},
		{Pattern: "GET /api/v1/subscribers/{id}", handler: a(api.getSubscriber)},
		{Pattern: "PUT /api/v1/subscribers/{id}", handler: a(api.updateSubscriber)},
		{Pattern: "DELETE /api/v1/subscribers/{id}", handler: a(api.deleteSubscriber)},
		{Pattern: "GET /api/v1/subscribers/{id}/deliveries", handler: a(api.listDeliveries)},
		{Pattern: "GET /api/v1/subscribers/{id}/dead-letters", handler: a(api.listDeadLetters)},
		{Pattern: "GET /api/v1/dead-letters/{id}", handler: a(api.getDeadLetter)},
		{Pattern: "POST /api/v1/dead-letters/{id}/replay", handler: a(api.replayDeadLetter)},
		{Pattern: "GET /api/v1/changes", handler: a(api.changes)},

		// Triage models (models.go): install, versions, switch, roll back.
		{Pattern: "POST /api/v1/triage/models", handler: a(api.installModel)},
		{Pattern: "GET /api/v1/triage/models", handler: a(api.modelVersions)},
		{Pattern: "POST /api/v1/triage/models/{id}/activate", handler: a(api.activateModel)},
		{Pattern: "POST /api/v1/triage/models/rollback", handler: a(api.rollbackModel)},

		// Fixing causes (governance.go): the map, hotspots, class-level warnings, scenarios.
		{Pattern: "GET /api/v1/map", handler: a(api.mapView)},
		{Pattern: "GET /api/v1/hotspots", handler: a(api.hotspots)},
		{Pattern: "GET /api/v1/warnings", handler: a(api.listWarnings)},
		{Pattern: "GET /api/v1/warnings/{id}", handler: a(api.getWarning)},
		{Pattern: "GET /api/v1/scenarios", handler: a(api.listScenarios)},
		{Pattern: "POST /api/v1/scenarios", handler: a(api.openScenario)},
		{Pattern: "GET /api/v1/scenarios/{id}", handler: a(api.getScenario)},
		{Pattern: "POST /api/v1/scenarios/{id}/measures", handler: a(api.addMeasure)},
		{Pattern: "POST /api/v1/scenarios/{id}/measures/{mid}/progress", handler: a(api.reportProgress)},
		{Pattern: "POST /api/v1/scenarios/{id}/close", handler: a(api.closeScenario)},

		// Reports (reports.go; models.go: engine vs people).
		{Pattern: "GET /api/v1/reports", handler: a(api.report)},
		{Pattern: "GET /api/v1/reports/disagreements", handler: a(api.disagreements)},
	}
}

// Register adds the API's routes to mux, and a JSON 404 for any other
// /api/ path.
func (api *API) Register(mux *http.ServeMux) {
	for _, r := range api.Routes() {
		mux.Handle(r.Pattern, r.handler)
	}
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		api.fail(w, r, &fenliu.Error{Code: fenliu.ENotFound, ZH: "没有这个接口：" + r.Method + " " + safe(r.URL.Path), EN: "no such endpoint: " + r.Method + " " + safe(r.URL.Path)})
	})
}

// Handler returns the API alone with panic recovery, for tests and embedding.
func (api *API) Handler() http.Handler {
	mux := http.NewServeMux()
	api.Register(mux)
	return Recover(api.log, mux)
}

package console

import "net/http"

// Route is one entry of the console's route table.
type Route struct {
	Pattern string // a net/http ServeMux pattern
	Public  bool   // served without signing in
	handler http.Handler
}

// Routes is the console's route table, screen by screen — the site's map.
// Each screen's handlers live in the file named in its comment.
func (s *Server) Routes() []Route {
	a := s.auth
	pub := func(pattern string, h http.HandlerFunc) Route {
		return Route{Pattern: pattern, Public: true, handler: h}
	}
	return []Route{
		// Static files, signing in and out, the language (console.go, auth.go).
		pub("GET /static/{version}/{path...}", s.serveStatic),
		pub("GET /favicon.ico", s.favicon),
		pub("GET /login", s.loginPage),
		pub("POST /login", s.login),
		pub("POST /logout", s.logout),
		pub("GET /lang/{lang}", s.setLang),
		pub("GET /{$}", s.home),
		{Pattern: "GET /events", handler: a(s.events)},          // live.go
		{Pattern: "GET /uploads/{token}", handler: a(s.upload)}, // order.go

		// 110 call-taker: the desk (desk.go).
		{Pattern: "GET /desk", handler: a(s.desk)},
		{Pattern: "POST /desk/suggest", handler: a(s.deskSuggest)},
		{Pattern: "POST /desk/incidents", handler: a(s.deskCreate)},

		// 12345 linkage desk and the incident record (linkage.go, incident.go).
		{Pattern: "GET /linkage", handler: a(s.linkage)},
		{Pattern: "GET /incidents/{id}", handler: a(s.incidentPage)},
		{Pattern: "POST /incidents/{id}/dispatch", handler: a(s.dispatchForm)},
		{Pattern: "POST /incidents/{id}/dispatch-suggested", handler: a(s.dispatchSuggestedForm)},
		{Pattern: "POST /incidents/{id}/decide", handler: a(s.decideForm)},
		{Pattern: "POST /incidents/{id}/note", handler: a(s.noteForm)},
		{Pattern: "POST /incidents/{id}/reveal", handler: a(s.reveal)},

		// Unit staff: the inbox and the order page (inbox.go, order.go, notices.go).
		{Pattern: "GET /inbox", handler: a(s.inbox)},
		{Pattern: "GET /orders/{id}", handler: a(s.orderPage)},
		{Pattern: "POST /orders/{id}/act/{action}", handler: a(s.orderAct)},
		{Pattern: "POST /orders/{id}/notice", handler: a(s.noticeSend)},
		{Pattern: "POST /notices/{id}/reply", handler: a(s.noticeReply)},

		// Supervisor and callback staff (supervise.go, callbacks.go).
		{Pattern: "GET /supervise", handler: a(s.supervise)},
		{Pattern: "GET /callbacks", handler: a(s.callbacks)},

		// Leader: the dashboard and bulletins (dashboard.go, bulletins.go).
		{Pattern: "GET /dashboard", handler: a(s.dashboard)},
		{Pattern: "GET /dashboard/orders", handler: a(s.drill)},
		{Pattern: "GET /dashboard/report.xlsx", handler: a(s.reportXLSX)},
		{Pattern: "GET /bulletins", handler: a(s.bulletins)},
		// Fixing causes (governance.go): the map, a grid's orders.
		{Pattern: "GET /map", handler: a(s.govMap)},
		{Pattern: "GET /map/areas/{id}", handler: a(s.govAreaOrders)},
		{Pattern: "GET /warnings", handler: a(s.govWarnings)},
		{Pattern: "GET /scenarios", handler: a(s.govScenarios)},
		{Pattern: "POST /scenarios", handler: a(s.govOpenScenario)},
		{Pattern: "GET /scenarios/{id}", handler: a(s.govScenario)},
		{Pattern: "POST /scenarios/{id}/measures", handler: a(s.govAddMeasure)},
		{Pattern: "POST /scenarios/{id}/measures/{mid}/progress", handler: a(s.govProgress)},
		{Pattern: "POST /scenarios/{id}/close", handler: a(s.govCloseScenario)},
		{Pattern: "GET /bulletins/{id}", handler: a(s.bulletin)},

		// Administrator (admin.go).
		{Pattern: "GET /admin", handler: a(s.admin)},
		{Pattern: "POST /admin/users", handler: a(s.adminUser)},
		{Pattern: "POST /admin/units", handler: a(s.adminUnit)},
		{Pattern: "POST /admin/areas", handler: a(s.adminArea)},
		{Pattern: "POST /admin/shifts", handler: a(s.adminShift)},
		{Pattern: "POST /admin/users/{id}", handler: a(s.adminUserEdit)},
		{Pattern: "POST /admin/units/{id}", handler: a(s.adminUnitEdit)},
		{Pattern: "POST /admin/areas/{id}", handler: a(s.adminAreaEdit)},
		{Pattern: "POST /admin/shifts/{id}", handler: a(s.adminShiftEdit)},
		{Pattern: "POST /admin/shifts/{id}/delete", handler: a(s.adminShiftDelete)},
		{Pattern: "GET /admin/catalog.yaml", handler: a(s.catalogExport)},
		{Pattern: "GET /admin/catalog.csv", handler: a(s.catalogExport)},
		{Pattern: "POST /admin/catalog", handler: a(s.catalogImport)},
		// Linked systems (subscribers.go).
		{Pattern: "GET /admin/subscribers", handler: a(s.subscribers)},
		{Pattern: "POST /admin/subscribers", handler: a(s.createSubscriber)},
		{Pattern: "GET /admin/subscribers/{id}", handler: a(s.subscriber)},
		{Pattern: "POST /admin/subscribers/{id}/active", handler: a(s.pauseSubscriber)},
		{Pattern: "POST /admin/subscribers/{id}/delete", handler: a(s.deleteSubscriber)},
		{Pattern: "POST /admin/dead-letters/{id}/replay", handler: a(s.replayDeadLetter)},

		// Citizens, without signing in (public.go).
		pub("GET /report", s.reportPage),
		pub("POST /report", s.report),
		pub("GET /track", s.track),
		pub("GET /guide", s.guide), // guide.go: which number to call
	}
}

// Register adds the console's routes to mux. Every route is behind
// net/http's cross-origin protection: a browser's cross-site POST (a forged
// sign-in, report or action) is refused from its Sec-Fetch-Site and Origin
// headers before its body is read, on top of each form's CSRF token.
func (s *Server) Register(mux *http.ServeMux) {
	cop := http.NewCrossOriginProtection()
	for _, r := range s.Routes() {
		mux.Handle(r.Pattern, cop.Handler(r.handler))
	}
}

// Live is the broker that fans change notices out to open screens.
func (s *Server) Live() *Broker { return s.live }

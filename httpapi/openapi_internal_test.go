package httpapi

import "testing"

// TestOpenAPICoversRoutes: every route of the table is described, and the
// description names no route the table does not have.
func TestOpenAPICoversRoutes(t *testing.T) {
	routes := map[string]bool{}
	for _, r := range (&API{}).Routes() {
		routes[r.Pattern] = true
		if _, ok := ops[r.Pattern]; !ok {
			t.Errorf("%s is not described in openapi.go", r.Pattern)
		}
	}
	for p := range ops {
		if !routes[p] {
			t.Errorf("openapi.go describes %s, which is not a route", p)
		}
	}
	for p := range queryParams {
		if !routes[p] {
			t.Errorf("query parameters for %s, which is not a route", p)
		}
	}
}

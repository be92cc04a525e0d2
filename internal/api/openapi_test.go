package api_test

import (
	"encoding/json"
	"strings"
	"testing"

	"beian/internal/api"
	"beian/internal/storage/storagetest"
)

// TestOpenAPIMatchesRoutes: the served document lists exactly the mounted
// endpoints, with security matching the bearer requirement.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	e := newEnv(t, storagetest.URLs(t)["sqlite"])
	a := e.do("GET", "/api/v1/openapi.json", "", nil)
	if a.status != 200 {
		t.Fatalf("openapi: %d", a.status)
	}
	var doc struct {
		OpenAPI string                                         `json:"openapi"`
		Paths   map[string]map[string]struct{ Security []any } `json:"paths"`
	}
	if err := json.Unmarshal(a.body, &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.0") {
		t.Errorf("openapi version %q", doc.OpenAPI)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			documented[strings.ToUpper(method)+" "+path] = len(op.Security) == 0
		}
	}
	mounted := api.New(api.Deps{}).Patterns()
	for p, public := range mounted {
		pub, ok := documented[p]
		if !ok {
			t.Errorf("mounted but not documented: %s", p)
		} else if pub != public {
			t.Errorf("%s: documented public=%v, mounted public=%v", p, pub, public)
		}
	}
	for p := range documented {
		if _, ok := mounted[p]; !ok {
			t.Errorf("documented but not mounted: %s", p)
		}
	}
	// Security headers on API answers.
	if a.header.Get("X-Content-Type-Options") != "nosniff" || a.header.Get("Content-Security-Policy") == "" {
		t.Errorf("security headers missing: %v", a.header)
	}
	if nf := e.do("GET", "/api/v1/nothing-here", "", nil); nf.status != 404 || nf.code(t) != "not_found" {
		t.Errorf("unknown path: %d %s", nf.status, nf.body)
	}
	if v := e.do("POST", "/api/v1/validate", "", exampleDocument(t)); v.status != 200 || v.json(t)["valid"] != true {
		t.Errorf("validate example: %d %s", v.status, v.body)
	}
}

package api_test

import (
	"testing"

	"beian/internal/storage/storagetest"
)

// BenchmarkSaveAndGet measures saving the example document and reading the
// application back (violations recomputed) through the router on SQLite.
func BenchmarkSaveAndGet(b *testing.B) {
	e := newEnv(b, storagetest.URLs(b)["sqlite"])
	e.do("POST", "/api/v1/accounts", "", map[string]any{"email": "bench@example.com", "phone": "13900009999", "password": "Str0ng-pass!"})
	tok := e.do("POST", "/api/v1/sessions", "", map[string]any{"email": "bench@example.com", "password": "Str0ng-pass!"}).json(b)["token"].(string)
	id := e.do("POST", "/api/v1/applications", tok, map[string]any{"domain": "example-hz.cn", "cert_type": "business_license", "cert_number": "91330106E3PWQ30LC5"}).json(b)["id"].(string)
	doc := exampleDocument(b)
	for b.Loop() {
		if a := e.do("PUT", "/api/v1/applications/"+id, tok, doc); a.status != 200 {
			b.Fatalf("save: %d %s", a.status, a.body)
		}
		if a := e.do("GET", "/api/v1/applications/"+id, tok, nil); a.status != 200 {
			b.Fatalf("get: %d", a.status)
		}
	}
}

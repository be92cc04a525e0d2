package api_test

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"testing"

	"beian/internal/storage/storagetest"
	"beian/internal/testkit"
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

// BenchmarkValidate posts the example document to /api/v1/validate through
// the router: decoding with its bounds, the rules, the answer.
func BenchmarkValidate(b *testing.B) {
	// The system as served: abuse limits off as in `beian load`, no
	// contract check around the handler.
	k := testkit.New(b, testkit.DB(storagetest.URLs(b)["sqlite"]), testkit.Env("BEIAN_RATE_LIMITS", "off"))
	h := k.System.Handler()
	body, err := json.Marshal(exampleDocument(b))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("POST", "/api/v1/validate", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("validate: %d %s", rec.Code, rec.Body)
		}
	}
}

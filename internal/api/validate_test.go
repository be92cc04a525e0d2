package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"beian/internal/api"
	"beian/internal/config"
	"beian/internal/httpx"
	"beian/internal/rules"
	"beian/internal/storage/storagetest"
	"beian/internal/testkit"
)

// validateServer is a real HTTP server with the validate handler behind
// the API's error renderer.
func validateServer(tb testing.TB) *httptest.Server {
	tb.Helper()
	v, err := rules.New(config.DefaultProvider())
	if err != nil {
		tb.Fatal(err)
	}
	now := func() time.Time { return time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC) }
	mux := http.NewServeMux()
	mux.Handle("POST /api/v1/validate", httpx.Handle(slog.New(slog.DiscardHandler), httpx.RenderJSONError, api.ValidateHandler(v, now)))
	srv := httptest.NewServer(mux)
	tb.Cleanup(srv.Close)
	return srv
}

type validateBody struct {
	Valid      bool `json:"valid"`
	Violations []struct {
		Rule, Field, Severity, Message string
	} `json:"violations"`
	Error *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func postValidate(tb testing.TB, srv *httptest.Server, contentType, lang string, body []byte) (int, validateBody, string) {
	tb.Helper()
	req, err := http.NewRequest("POST", srv.URL+"/api/v1/validate", bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var out validateBody
	if err := json.Unmarshal(raw, &out); err != nil {
		tb.Fatalf("status %d, body not JSON: %q", res.StatusCode, raw)
	}
	return res.StatusCode, out, res.Header.Get("Content-Type")
}

func example(tb testing.TB, name string) map[string]any {
	tb.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		tb.Fatal(err)
	}
	return m
}

func mustJSON(tb testing.TB, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestValidateEndpoint(t *testing.T) {
	srv := validateServer(t)
	ent := example(t, "validate-enterprise.json")

	status, body, ct := postValidate(t, srv, "application/json", "", mustJSON(t, ent))
	if status != 200 || !body.Valid || body.Violations == nil || len(body.Violations) != 0 || !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("valid example: %d %+v %s", status, body, ct)
	}

	// One error, in Chinese by default and in English on request.
	ent["subject"].(map[string]any)["cert_number"] = "91330106E3PWQ30LC6"
	status, body, _ = postValidate(t, srv, "application/json; charset=utf-8", "", mustJSON(t, ent))
	if status != 200 || body.Valid || len(body.Violations) != 1 {
		t.Fatalf("checksum: %d %+v", status, body)
	}
	if v := body.Violations[0]; v.Rule != "subject.cert_number.checksum" || v.Field != "subject.cert_number" || v.Severity != "error" || !strings.Contains(v.Message, "校验位") {
		t.Errorf("violation: %+v", v)
	}
	_, body, _ = postValidate(t, srv, "application/json", "en-US,en;q=0.9", mustJSON(t, ent))
	if len(body.Violations) != 1 || !strings.Contains(body.Violations[0].Message, "check character") {
		t.Errorf("English: %+v", body.Violations)
	}

	// Warnings only: still valid.
	ind := example(t, "validate-individual.json")
	ind["websites"].([]any)[0].(map[string]any)["remark"] = ""
	status, body, _ = postValidate(t, srv, "application/json", "", mustJSON(t, ind))
	if status != 200 || !body.Valid || len(body.Violations) != 1 || body.Violations[0].Severity != "warning" {
		t.Errorf("warning only: %d %+v", status, body)
	}

	// Many violations at once.
	status, body, _ = postValidate(t, srv, "application/json", "", []byte(`{"flow":"first_filing","subject":{},"websites":[{}]}`))
	if status != 200 || body.Valid || len(body.Violations) < 20 {
		t.Errorf("empty document: %d valid=%v %d violations", status, body.Valid, len(body.Violations))
	}

	// as_of absent: today (2026-11-28) is used, so the example stays valid.
	delete(ent, "as_of")
	ent["subject"].(map[string]any)["cert_number"] = "91330106E3PWQ30LC5"
	if status, body, _ = postValidate(t, srv, "application/json", "", mustJSON(t, ent)); status != 200 || !body.Valid {
		t.Errorf("without as_of: %d %+v", status, body)
	}
}

func TestValidateEndpointRefusals(t *testing.T) {
	srv := validateServer(t)
	big := append([]byte(`{"flow":"`), bytes.Repeat([]byte("a"), 1<<20+10)...)
	big = append(big, `"}`...)
	cases := []struct {
		name, ct string
		body     []byte
		status   int
		code     string
	}{
		{"malformed", "application/json", []byte(`{"flow":`), 400, "bad_request"},
		{"array", "application/json", []byte(`[]`), 400, "bad_request"},
		{"string", "application/json", []byte(`"x"`), 400, "bad_request"},
		{"number", "application/json", []byte(`42`), 400, "bad_request"},
		{"null", "application/json", []byte(`null`), 400, "bad_request"},
		{"empty", "application/json", []byte(``), 400, "bad_request"},
		{"websites a number", "application/json", []byte(`{"websites": 5}`), 400, "bad_request"},
		{"subject an array", "application/json", []byte(`{"subject": []}`), 400, "bad_request"},
		{"ips not strings", "application/json", []byte(`{"websites":[{"access":{"ips":[1,2]}}]}`), 400, "bad_request"},
		{"flow a number", "application/json", []byte(`{"flow": 1}`), 400, "bad_request"},
		{"trailing garbage", "application/json", []byte(`{} {}`), 400, "bad_request"},
		{"duplicate names", "application/json", []byte(`{"flow":"first_filing","flow":"new_website"}`), 400, "bad_request"},
		{"lone surrogate", "application/json", []byte(`{"subject":{"name":"\ud800"}}`), 400, "bad_request"},
		{"bad as_of", "application/json", []byte(`{"as_of":"2026-02-30"}`), 400, "bad_request"},
		{"text/plain", "text/plain", []byte(`{}`), 415, "unsupported_media_type"},
		{"no content type", "", []byte(`{}`), 415, "unsupported_media_type"},
		{"form", "application/x-www-form-urlencoded", []byte(`a=b`), 415, "unsupported_media_type"},
		{"too large", "application/json", big, 413, "payload_too_large"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body, _ := postValidate(t, srv, c.ct, "", c.body)
			if status != c.status || body.Error == nil || body.Error.Code != c.code || body.Error.Message == "" {
				t.Errorf("got %d %+v, want %d %s", status, body.Error, c.status, c.code)
			}
		})
	}
	// An empty object is a document with every field missing: 200, invalid.
	if status, body, _ := postValidate(t, srv, "application/json", "", []byte(`{}`)); status != 200 || body.Valid {
		t.Errorf("{}: %d %+v", status, body)
	}
	// Unicode and odd values are judged, never crash; a control character
	// is refused before any work (rules.md "Bounds").
	odd := `{"flow":"first_filing","as_of":" 2026-11-28 ","subject":{"province":"\u00a0","cert_number":"\u00a0"},"websites":[{"domain":"xn--","access":{"ips":["::ffff:1.2.3.4%x"]},"content_types":[""],"pre_approvals":[{}]}]}`
	if status, _, _ := postValidate(t, srv, "application/json", "", []byte(odd)); status != 200 {
		t.Errorf("odd values: %d", status)
	}
	nul := strings.Replace(odd, `"province":"\u00a0"`, `"province":"\u0000"`, 1)
	if status, body, _ := postValidate(t, srv, "application/json", "", []byte(nul)); status != 422 || body.Error == nil || body.Error.Code != "field.control_character" {
		t.Errorf("a NUL in a field: %d %+v", status, body.Error)
	}
}

// TestValidateEndpointRandomBodies posts mutated documents: every answer
// is 200 or a 4xx, never a 5xx.
func TestValidateEndpointRandomBodies(t *testing.T) {
	srv := validateServer(t)
	base, err := os.ReadFile("testdata/validate-enterprise.json")
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	n := 2000
	if testing.Short() {
		n = 200
	}
	for i := 0; i < n; i++ {
		b := append([]byte(nil), base...)
		for k := rng.IntN(4) + 1; k > 0; k-- {
			pos := rng.IntN(len(b))
			switch rng.IntN(3) {
			case 0:
				b[pos] = byte(rng.IntN(256))
			case 1:
				b = append(b[:pos], b[pos+1:]...)
			case 2:
				b = append(b[:pos], append([]byte{"{}[]\",:0aé\\"[rng.IntN(11)]}, b[pos:]...)...)
			}
		}
		status, _, _ := postValidate(t, srv, "application/json", "", b)
		if status >= 500 || (status != 200 && status >= 300 && status < 400) {
			t.Fatalf("status %d for %q", status, b)
		}
	}
}

func FuzzValidateEndpoint(f *testing.F) {
	base, err := os.ReadFile("testdata/validate-enterprise.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(base)
	for _, s := range []string{`{}`, `[]`, `"x"`, `null`, `{"websites":5}`, `{"websites":[{"domain":"中国移动.中国"}]}`, `{"as_of":"x"}`, `{"subject":{"leader":{"mobile":"13800138000x"}}}`} {
		f.Add([]byte(s))
	}
	v, err := rules.New(config.DefaultProvider())
	if err != nil {
		f.Fatal(err)
	}
	now := func() time.Time { return time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC) }
	h := httpx.Handle(slog.New(slog.DiscardHandler), httpx.RenderJSONError, api.ValidateHandler(v, now))
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest("POST", "/api/v1/validate", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 || (rec.Code != 200 && rec.Code != 400 && rec.Code != 413) {
			t.Fatalf("status %d for %q", rec.Code, body)
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("answer is not JSON: %q", rec.Body.Bytes())
		}
	})
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

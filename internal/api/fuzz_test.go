package api_test

import (
	"bytes"
	"net/http/httptest"
	"testing"

	"beian/internal/examples"
	"beian/internal/storage/storagetest"
)

// FuzzSaveDocument: whatever body a client PUTs, the answer is never a 5xx.
func FuzzSaveDocument(f *testing.F) {
	example, err := examples.Read(examples.Enterprise)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(example)
	f.Add([]byte(`{"websites": 5}`))
	f.Add([]byte(`{"flow": "first_filing", "subject": {"cert_number": "x"}, "websites": [{"domain": "例子.中国"}, {}]}`))
	f.Add([]byte(`null`))
	e := newEnv(f, storagetest.URLs(f)["sqlite"])
	e.do("POST", "/api/v1/accounts", "", map[string]any{"email": "fuzz@example.com", "phone": "13900008888", "password": "Str0ng-pass!"})
	tok := e.do("POST", "/api/v1/sessions", "", map[string]any{"email": "fuzz@example.com", "password": "Str0ng-pass!"}).json(f)["token"].(string)
	id := e.do("POST", "/api/v1/applications", tok, map[string]any{"domain": "example-hz.cn", "cert_type": "business_license", "cert_number": "91330106E3PWQ30LC5"}).json(f)["id"].(string)
	f.Fuzz(func(t *testing.T, body []byte) {
		r := httptest.NewRequest("PUT", "/api/v1/applications/"+id, bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		if a := e.send(r, tok); a.status >= 500 {
			t.Fatalf("%d for %q: %s", a.status, body, a.body)
		}
	})
}

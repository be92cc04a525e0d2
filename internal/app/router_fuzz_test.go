package app

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzRouter sends arbitrary requests (method, path and query, content
// type, forwarded headers, body) from arbitrary peers through the whole
// server handler: no answer is a 5xx, and every answer carries the
// security headers.
func FuzzRouter(f *testing.F) {
	for _, s := range []struct{ method, path, ct, xff, peer, body string }{
		{"POST", "/api/v1/validate", "application/json", "", "127.0.0.1:1", `{"flow":"first_filing"}`},
		{"POST", "/api/v1/sessions", "application/json", "1.2.3.4", "127.0.0.1:1", `{"email":"a@b.c","password":"x"}`},
		{"POST", "/api/v1/accounts", "application/json; charset=utf-8", "", "198.51.100.1:9", `{"email":"a@b.c","phone":"13911110001","password":"Str0ng-pass!"}`},
		{"GET", "/api/v1/public/filings?q=%E4%BA%ACICP%E5%A4%87", "", "", "203.0.113.5:1", ""},
		{"POST", "/login", "application/x-www-form-urlencoded", "", "127.0.0.1:1", "email=a&password=b&csrf=c"},
		{"POST", "/register", "multipart/form-data; boundary=x", ", ,", "[::1]:5", "--x\r\n\r\n--x--"},
		{"GET", "/lookup?q=example.cn", "", "", "bogus", ""},
		{"GET", "/static/../../etc/passwd", "", "", "127.0.0.1:1", ""},
		{"PUT", "/api/v1/applications/%00", "application/json", "", "127.0.0.1:1", "{}"},
		{"GET", "/review/applications/x/attachments/y", "", "", "127.0.0.1:1", ""},
	} {
		f.Add(s.method, s.path, s.ct, s.xff, s.peer, []byte(s.body))
	}
	e := newSecEnvTB(f)
	f.Fuzz(func(t *testing.T, method, path, ct, xff, peer string, body []byte) {
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		req, err := http.NewRequest(method, "http://beian.test"+path, bytes.NewReader(body))
		if err != nil {
			return // not a request a client could send
		}
		req.RemoteAddr = peer
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		if xff != "" {
			req.Header.Set("X-Forwarded-For", xff)
		}
		rec := httptest.NewRecorder()
		e.handler.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %q: %d %.300s", method, path, rec.Code, rec.Body.String())
		}
		if rec.Header().Get("Content-Security-Policy") == "" || rec.Header().Get("X-Content-Type-Options") == "" {
			t.Fatalf("%s %q (%d): no security headers", method, path, rec.Code)
		}
	})
}

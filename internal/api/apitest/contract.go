// Package apitest checks answers of the JSON API against its OpenAPI
// document (internal/api/openapi.json) with kin-openapi: every test that
// sends API requests wraps its handler in Checked, so the document cannot
// drift from the handlers without a test failing.
package apitest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	legacyrouter "github.com/getkin/kin-openapi/routers/legacy"

	"beian/internal/api"
)

// contract is the API's OpenAPI document, ready to check answers against.
type contract struct{ router routers.Router }

var (
	contractOnce sync.Once
	theContract  *contract
	contractErr  error
)

func init() {
	// Attachments are served as JPEG, the audit log also as CSV: their
	// bodies are not JSON and need no schema beyond their type.
	openapi3filter.RegisterBodyDecoder("image/jpeg", openapi3filter.FileBodyDecoder)
	openapi3filter.RegisterBodyDecoder("text/csv", openapi3filter.FileBodyDecoder)
}

func load(t testing.TB) *contract {
	t.Helper()
	contractOnce.Do(func() {
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(api.OpenAPIDocument())
		if err == nil {
			err = doc.Validate(context.Background())
		}
		var r routers.Router
		if err == nil {
			r, err = legacyrouter.NewRouter(doc)
		}
		theContract, contractErr = &contract{router: r}, err
	})
	if contractErr != nil {
		t.Fatalf("openapi.json: %v", contractErr)
	}
	return theContract
}

// check wraps h: every answer under /api/v1/ must be documented — its
// path, method and status — and its body must match the schema.
func (c *contract) check(t testing.TB, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/api/v1/") {
			h.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		for k, vs := range rec.Header() {
			w.Header()[k] = vs
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
		if err := c.validate(r, rec.Code, rec.Header(), rec.Body.Bytes()); err != nil {
			t.Errorf("%s %s → %d does not match openapi.json: %v\n%.600s", r.Method, r.URL.Path, rec.Code, err, rec.Body.Bytes())
		}
	})
}

func (c *contract) validate(r *http.Request, status int, header http.Header, body []byte) error {
	req := r.Clone(context.Background())
	req.Body = io.NopCloser(bytes.NewReader(nil))
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		if status == http.StatusNotFound || status == http.StatusMethodNotAllowed {
			return nil // an unknown path: the API's own 404, documented nowhere in particular
		}
		return err
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}},
		Status: status, Header: header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	in.SetBodyBytes(body)
	return openapi3filter.ValidateResponse(context.Background(), in)
}

// Checked wraps h: every answer under /api/v1/ must be documented — its
// path, method and status — and its body must match the schema; a
// mismatch fails the test.
func Checked(t testing.TB, h http.Handler) http.Handler { return load(t).check(t, h) }

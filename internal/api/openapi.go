package api

import (
	_ "embed"
	"net/http"
)

// openapi.json is hand-written and lists exactly the endpoints Routes mounts.
//
//go:embed openapi.json
var openapiDoc []byte

func (a *API) openAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, err := w.Write(openapiDoc)
	return err
}

// OpenAPIDocument is the served document, for the tests that check every
// answer against it.
func OpenAPIDocument() []byte { return openapiDoc }

// Package examples holds the spec's example filing documents
// (spec/examples), embedded once: the tests of every package and the load
// benchmark read them from here.
package examples

import (
	"embed"
	"encoding/json"
	"fmt"

	"beian/internal/filing"
)

//go:embed *.json
var files embed.FS

// The examples.
const (
	Enterprise = "enterprise-first-filing.json" // a Hangzhou company's first filing
	Individual = "individual-first-filing.json" // a person's first filing
)

// Read returns an example document's bytes.
func Read(name string) ([]byte, error) {
	b, err := files.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("examples: %w", err)
	}
	return b, nil
}

// MustRead is Read for examples known to exist (the constants above).
func MustRead(name string) []byte {
	b, err := Read(name)
	if err != nil {
		panic(err)
	}
	return b
}

// Document decodes an example as a filing document.
func Document(name string) (filing.Document, error) {
	var d filing.Document
	b, err := Read(name)
	if err == nil {
		err = json.Unmarshal(b, &d)
	}
	return d, err
}

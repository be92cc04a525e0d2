package rules

import (
	"encoding/json"
	"testing"

	"beian/internal/examples"
	"beian/internal/filing"
)

func loadExample(tb testing.TB, name string) *filing.Document {
	tb.Helper()
	b, err := examples.Read(name)
	if err != nil {
		tb.Fatal(err)
	}
	var d filing.Document
	if err := json.Unmarshal(b, &d); err != nil {
		tb.Fatal(err)
	}
	return &d
}

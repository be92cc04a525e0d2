package filing_test

import (
	"testing"

	"beian/internal/examples"
	"beian/internal/filing"
)

// BenchmarkParseDocument decodes the enterprise example: the validate
// endpoint's decoding, on its fast path.
func BenchmarkParseDocument(b *testing.B) {
	body := examples.MustRead(examples.Enterprise)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := filing.ParseDocument(body, 10); err != nil {
			b.Fatal(err)
		}
	}
}

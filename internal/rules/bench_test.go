package rules

import (
	"testing"
	"time"

	"beian/internal/config"
)

// BenchmarkValidateTypical validates the enterprise example (one website).
func BenchmarkValidateTypical(b *testing.B) {
	v, err := New(config.DefaultProvider())
	if err != nil {
		b.Fatal(err)
	}
	doc := loadExample(b, "enterprise-first-filing.json")
	today := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	if vs := v.Validate(doc, today); len(vs) != 0 {
		b.Fatalf("example not valid: %v", vs)
	}
	b.ReportAllocs()
	for b.Loop() {
		v.Validate(doc, today)
	}
}

// BenchmarkValidateColdPhones is the same with the phone cache bypassed by
// fresh numbers: the cost of a document seen for the first time.
func BenchmarkValidateColdPhones(b *testing.B) {
	v, err := New(config.DefaultProvider())
	if err != nil {
		b.Fatal(err)
	}
	doc := loadExample(b, "enterprise-first-filing.json")
	today := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		n++
		d := *doc
		d.Subject.Leader.Mobile = "1380581" + pad4(n)
		d.Subject.EmergencyPhone = "1380574" + pad4(n)
		v.Validate(&d, today)
	}
}

func pad4(n int) string {
	s := "0000" + itoa(n%10000)
	return s[len(s)-4:]
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

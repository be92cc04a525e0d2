package rules

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// TestParseDateAgrees holds parseDate to time.Parse(time.DateOnly) on
// every day of a leap and a common year, on days and months just out of
// range, and on random near-dates.
func TestParseDateAgrees(t *testing.T) {
	inputs := []string{"", "2026-1-01", "2026-01-1", "2026/01/01", "+026-01-01", "2026-00-10", "2026-13-01",
		"2026-02-29", "2024-02-29", "2100-02-29", "2000-02-29", "0000-01-01", "9999-12-31", "2026-04-31",
		"2026-01-00", "2026-01-32", "2026-01-01 ", " 2026-01-01", "２０２６-01-01", "2026-01-0a", "20260101xx"}
	for _, y := range []int{2024, 2026} {
		for m := 1; m <= 12; m++ {
			for d := 0; d <= 32; d++ {
				inputs = append(inputs, fmt.Sprintf("%04d-%02d-%02d", y, m, d))
			}
		}
	}
	rng := rand.New(rand.NewPCG(6, 12))
	const alphabet = "0123456789-+ x"
	for range 20000 {
		b := []byte("2026-02-28")
		for range 1 + rng.IntN(3) {
			b[rng.IntN(len(b))] = alphabet[rng.IntN(len(alphabet))]
		}
		inputs = append(inputs, string(b))
	}
	for _, s := range inputs {
		want, err := time.Parse(time.DateOnly, s)
		got, ok := parseDate(s)
		if ok != (err == nil) || !got.Equal(want) {
			t.Fatalf("parseDate(%q) = %v, %v; time.Parse: %v, %v", s, got, ok, want, err)
		}
	}
}

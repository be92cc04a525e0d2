package backoffice

import (
	"strings"
	"testing"
)

// TestBarChartEscapes: labels and titles are text in the SVG, never markup,
// and bars scale to the largest value.
func TestBarChartEscapes(t *testing.T) {
	svg := string(barChart(`<script>alert(1)</script>`, []bar{{Label: `"><img src=x>`, Value: 2, Text: "2"}, {Label: "b", Value: 1, Text: "1"}}, 0))
	if strings.Contains(svg, "<script") || strings.Contains(svg, "<img") {
		t.Fatalf("markup got through: %s", svg)
	}
	if !strings.Contains(svg, `width="330.0"`) || !strings.Contains(svg, `width="165.0"`) {
		t.Errorf("bars do not scale to the largest: %s", svg)
	}
	if barChart("empty", nil, 0) != "" {
		t.Error("an empty chart drew something")
	}
}

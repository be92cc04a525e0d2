package images_test

import (
	"bytes"
	"testing"

	"beian/internal/images"
	"beian/internal/images/jpegtest"
)

// TestProgressiveBudget: a progressive JPEG is budgeted by what it costs
// to decode (issue 12 item 3), so the worst 40 MP one is refused from its
// headers, while a progressive photo of ordinary size still passes.
func TestProgressiveBudget(t *testing.T) {
	bomb := jpegtest.ProgressiveDC(7296, 5472)
	if len(bomb) > 240_000 {
		t.Fatalf("the bomb is %d bytes", len(bomb))
	}
	w, err := images.Weight(bytes.NewReader(bomb))
	if px := int64(7296 * 5472); err != nil || w != px*5 {
		t.Errorf("weight %d %v, want 5× its %d pixels (3 + 4×3 bytes a pixel)", w, err, px)
	}
	_, err = images.Process(bytes.NewReader(bomb), images.DefaultLimits())
	if images.CodeOf(err) != images.CodeTooLarge {
		t.Fatalf("the 40 MP progressive file: %v", err)
	}
	small := jpegtest.ProgressiveDC(2000, 1504)
	res, err := images.Process(bytes.NewReader(small), images.DefaultLimits())
	if err != nil || res.Width != 2000 || res.Height != 1504 {
		t.Fatalf("a 3 MP progressive file: %v", err)
	}
	if w, err := images.Weight(bytes.NewReader(res.JPEG)); err != nil || w != 2000*1504 {
		t.Errorf("the stored (baseline) copy weighs %d %v", w, err)
	}
	if _, err := images.Weight(bytes.NewReader([]byte("GIF89a"))); err == nil {
		t.Error("a GIF has a weight")
	}
}

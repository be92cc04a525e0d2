package testkit

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"testing"

	"beian/internal/examples"
)

// Photo is a real JPEG of w×h with some structure in it (a flat picture
// compresses to almost nothing and tells a test little).
func Photo(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x ^ y) & 0xff), 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// ExampleDocument is the spec's Hangzhou enterprise filing as JSON values.
func ExampleDocument(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(examples.MustRead(examples.Enterprise), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

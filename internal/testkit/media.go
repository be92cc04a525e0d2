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

// Scan is a w×h JPEG that looks like a scanned document: paper,
// lines of "text", a red seal; detailed enough to be a real photo to the
// decoder, plain enough to keep screenshots small.
func Scan(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	paper := color.RGBA{246, 244, 238, 255}
	ink := color.RGBA{60, 64, 72, 255}
	seal := color.RGBA{200, 40, 40, 255}
	cx, cy, r := w*3/4, h*2/3, h/6
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := paper
			line := (y-h/8)%(h/14) < h/60 && y > h/8 && y < h*7/8
			if line && x > w/10 && x < w*9/10-(y*37%(w/5)) {
				c = ink
			}
			if d := (x-cx)*(x-cx) + (y-cy)*(y-cy); d < r*r && d > (r-r/8)*(r-r/8) {
				c = seal
			}
			if x < 3 || y < 3 || x >= w-3 || y >= h-3 {
				c = color.RGBA{180, 180, 180, 255}
			}
			img.Set(x, y, c)
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

package web

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"net/url"
	"strconv"
	"testing"

	"beian/internal/examples"
	"beian/internal/filing"
)

// exampleDoc is the spec's valid enterprise filing.
func exampleDoc(t testing.TB) filing.Document {
	t.Helper()
	d, err := examples.Document(examples.Enterprise)
	if err != nil {
		t.Fatal(err)
	}
	d.AsOf = ""
	return d
}

// testJPEG draws a w×h JPEG that looks like a scanned document: paper,
// lines of "text", a red seal; detailed enough to be a real photo to the
// decoder, plain enough to keep screenshots small.
func testJPEG(t testing.TB, w, h int) []byte {
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

// stepForm is what a browser posts for a step: the document's fields.
func stepForm(doc filing.Document, action string) url.Values {
	v := flatten(doc)
	v.Set("websites.count", strconv.Itoa(len(doc.Websites)))
	for i, w := range doc.Websites {
		v.Set(wsPath(i)+".pre_approvals.count", strconv.Itoa(len(w.PreApprovals)+1))
	}
	v.Set("action", action)
	return v
}

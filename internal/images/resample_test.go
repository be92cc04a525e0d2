package images

import (
	"image"
	"math"
	"testing"
)

// displayAt is the EXIF definition of each orientation: which stored pixel
// shows at display position (x, y) of a w×h stored plane.
func displayAt(o orientation, x, y, w, h int) (int, int) {
	switch o {
	case 2:
		return w - 1 - x, y
	case 3:
		return w - 1 - x, h - 1 - y
	case 4:
		return x, h - 1 - y
	case 5:
		return y, x
	case 6:
		return y, h - 1 - x
	case 7:
		return w - 1 - y, h - 1 - x
	case 8:
		return w - 1 - y, x
	}
	return x, y
}

func TestResampleOrientations(t *testing.T) {
	const w, h, stride = 7, 4, 9 // odd sizes and padding catch off-by-ones
	src := plane{pix: make([]byte, stride*h), w: w, h: h, stride: stride}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			src.pix[y*stride+x] = byte(10*y + x)
		}
	}
	for o := orientation(1); o <= 8; o++ {
		dw, dh := src.orientedDims(o)
		got := resample(src, o, dw, dh)
		if got.w != dw || got.h != dh {
			t.Fatalf("orientation %d: %dx%d", o, got.w, got.h)
		}
		for y := 0; y < dh; y++ {
			for x := 0; x < dw; x++ {
				sx, sy := displayAt(o, x, y, w, h)
				if g, want := got.pix[y*got.stride+x], src.pix[sy*stride+sx]; g != want {
					t.Fatalf("orientation %d at (%d,%d): %d, want %d", o, x, y, g, want)
				}
			}
		}
		// Turning while scaling must agree with turning then scaling.
		scaled := resample(src, o, dw/2+1, dh/2+1)
		ref := resample(resample(src, o, dw, dh), orientUpright, dw/2+1, dh/2+1)
		for i := range ref.pix {
			if d := int(scaled.pix[i]) - int(ref.pix[i]); d < -1 || d > 1 {
				t.Fatalf("orientation %d scaled: pixel %d is %d, want %d", o, i, scaled.pix[i], ref.pix[i])
			}
		}
	}
}

func TestResampleAveragesArea(t *testing.T) {
	tests := []struct {
		name         string
		w, h, dw, dh int
		pattern      func(x, y int) byte
		want         func(x, y int) byte
	}{
		{"constant stays constant", 101, 77, 33, 20, func(x, y int) byte { return 137 }, func(x, y int) byte { return 137 }},
		{"2×2 checker halves to gray", 40, 40, 20, 20,
			func(x, y int) byte { return byte(255 * ((x + y) % 2)) }, func(x, y int) byte { return 128 }},
		{"columns average in pairs", 8, 2, 4, 2,
			func(x, y int) byte { return byte(10 * x) }, func(x, y int) byte { return byte(20*x + 5) }},
		{"enlarging repeats pixels", 2, 2, 4, 4,
			func(x, y int) byte { return byte(100 * x) }, func(x, y int) byte { return byte(100 * (x / 2)) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := newPlane(tt.w, tt.h)
			for y := 0; y < tt.h; y++ {
				for x := 0; x < tt.w; x++ {
					src.pix[y*tt.w+x] = tt.pattern(x, y)
				}
			}
			got := resample(src, orientUpright, tt.dw, tt.dh)
			for y := 0; y < tt.dh; y++ {
				for x := 0; x < tt.dw; x++ {
					g, want := int(got.pix[y*got.stride+x]), int(tt.want(x, y))
					if g < want-1 || g > want+1 {
						t.Fatalf("(%d,%d) = %d, want %d", x, y, g, want)
					}
				}
			}
		})
	}
}

func TestAreaWeightsSumToOne(t *testing.T) {
	for _, c := range [][2]int{{10, 3}, {3, 10}, {4000, 1600}, {1, 1}, {7, 7}, {1, 5}, {5, 1}} {
		ws := areaWeights(c[0], c[1])
		for i := 0; i < c[1]; i++ {
			var sum float64
			for _, cw := range ws.of(i) {
				if cw.j < 0 || cw.j >= c[0] {
					t.Fatalf("%v: target %d uses source %d", c, i, cw.j)
				}
				sum += float64(cw.w)
			}
			if math.Abs(sum-1) > 1e-5 {
				t.Fatalf("%v: target %d weights sum to %v", c, i, sum)
			}
		}
	}
}

func TestPictureImageIsConsistent(t *testing.T) {
	p := &picture{y: newPlane(5, 3)}
	if _, ok := p.image().(*image.Gray); !ok {
		t.Error("gray picture should be *image.Gray")
	}
	cw, ch := chromaDims(5, 3)
	p.cb, p.cr = newPlane(cw, ch), newPlane(cw, ch)
	m, ok := p.image().(*image.YCbCr)
	if !ok {
		t.Fatal("colour picture should be *image.YCbCr")
	}
	// Every pixel addressable: image.YCbCr.At panics on a short plane.
	for y := 0; y < 3; y++ {
		for x := 0; x < 5; x++ {
			_ = m.At(x, y)
		}
	}
}

package images

import (
	"bytes"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// stdlibJPEGs are the standard library's own JPEG test files: every chroma
// subsampling, progressive, gray, CMYK (Adobe) and RGB-transform files.
func stdlibJPEGs(t *testing.T) map[string][]byte {
	t.Helper()
	out := readStdlibJPEGs()
	if len(out) == 0 {
		t.Skip("Go's image/testdata not available")
	}
	return out
}

func readStdlibJPEGs() map[string][]byte {
	dir := filepath.Join(runtime.GOROOT(), "src", "image", "testdata")
	names, _ := filepath.Glob(filepath.Join(dir, "video-00*.jpeg"))
	out := map[string][]byte{}
	for _, n := range names {
		if b, err := os.ReadFile(n); err == nil {
			out[filepath.Base(n)] = b
		}
	}
	return out
}

// TestProcessJPEGVariants checks that every decodable variant comes out
// as the same picture, turned as EXIF says.
func TestProcessJPEGVariants(t *testing.T) {
	lim := Limits{MinWidth: 1, MinHeight: 1}
	for name, data := range stdlibJPEGs(t) {
		ref, refErr := jpeg.Decode(bytes.NewReader(data))
		for _, o := range []uint16{1, 6, 3} {
			in := data
			if o != 1 {
				in = withEXIF(t, data, o)
			}
			res, err := Process(bytes.NewReader(in), lim)
			if refErr != nil {
				if CodeOf(err) != CodeNotJPEG {
					t.Errorf("%s: undecodable file gave %v, want not_jpeg", name, err)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s orientation %d: %v", name, o, err)
				continue
			}
			got := decodeOK(t, res.JPEG)
			rb := ref.Bounds()
			w, h := rb.Dx(), rb.Dy()
			if o == 6 {
				w, h = h, w
			}
			if got.Bounds().Dx() != w || got.Bounds().Dy() != h {
				t.Errorf("%s orientation %d: %v, want %dx%d", name, o, got.Bounds(), w, h)
				continue
			}
			// Re-encoding costs about 3 levels; a wrong turn costs tens.
			if d := meanDiff(ref, got, orientation(o)); d > 6 {
				t.Errorf("%s orientation %d: differs from the original by %.1f per channel", name, o, d)
			}
		}
	}
}

// meanDiff compares a stored picture with the original seen through o.
func meanDiff(orig, stored image.Image, o orientation) float64 {
	ob := orig.Bounds()
	sb := stored.Bounds()
	var sum, n float64
	for y := 0; y < sb.Dy(); y += 2 {
		for x := 0; x < sb.Dx(); x += 2 {
			sx, sy := displayAt(o, x, y, ob.Dx(), ob.Dy())
			r1, g1, b1, _ := orig.At(ob.Min.X+sx, ob.Min.Y+sy).RGBA()
			r2, g2, b2, _ := stored.At(x, y).RGBA()
			for _, p := range [][2]uint32{{r1, r2}, {g1, g2}, {b1, b2}} {
				d := float64(p[0]>>8) - float64(p[1]>>8)
				if d < 0 {
					d = -d
				}
				sum += d
			}
			n += 3
		}
	}
	return sum / n
}

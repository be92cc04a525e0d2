package images

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"image/draw"
	"testing"
)

// card draws an ID-card-like side: white with a coloured band on top.
func card(w, h int, band color.RGBA) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(m, m.Bounds(), image.NewUniform(color.RGBA{250, 250, 250, 255}), image.Point{}, draw.Src)
	draw.Draw(m, image.Rect(0, 0, w, h/5), image.NewUniform(band), image.Point{}, draw.Src)
	return m
}

func isColor(c color.Color, want color.RGBA) bool {
	r, g, b, _ := c.RGBA()
	d := func(a uint32, b uint8) bool { return int(a>>8)-int(b) < 40 && int(b)-int(a>>8) < 40 }
	return d(r, want.R) && d(g, want.G) && d(b, want.B)
}

func TestMergeIDCard(t *testing.T) {
	red, blue := color.RGBA{200, 30, 30, 255}, color.RGBA{30, 30, 200, 255}
	tests := []struct {
		name        string
		front, back []byte
		wantW       int
		wantH       int // approximate
	}{
		{"same size", encodeJPEG(t, card(1200, 760, red), 90), encodeJPEG(t, card(1200, 760, blue), 90), 1200, 760 + mergeGap + 760},
		{"back larger: scaled to the narrower front", encodeJPEG(t, card(1000, 630, red), 90), encodeJPEG(t, card(2000, 1260, blue), 90), 1000, 630 + mergeGap + 630},
		{"both large: at most 1600 wide", encodeJPEG(t, card(3000, 1890, red), 85), encodeJPEG(t, card(2400, 1512, blue), 85), 1600, 1008 + mergeGap + 1008},
		{"front photographed sideways (EXIF 6)", withEXIF(t, encodeJPEG(t, rotate90CCW(card(1200, 760, red)), 90), 6), encodeJPEG(t, card(1200, 760, blue), 90), 1200, 760 + mergeGap + 760},
		{"gray back", encodeJPEG(t, card(1200, 760, red), 90), encodeJPEG(t, toGray(card(1200, 760, blue)), 90), 1200, 760 + mergeGap + 760},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := MergeIDCard(bytes.NewReader(tt.front), bytes.NewReader(tt.back), DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			m := decodeOK(t, res.JPEG)
			b := m.Bounds()
			if b.Dx() != tt.wantW || res.Width != tt.wantW {
				t.Errorf("width %d (reported %d), want %d", b.Dx(), res.Width, tt.wantW)
			}
			if d := b.Dy() - tt.wantH; d < -3 || d > 3 || res.Height != b.Dy() {
				t.Errorf("height %d (reported %d), want ≈ %d", b.Dy(), res.Height, tt.wantH)
			}
			if len(res.JPEG) > DefaultStoreMaxBytes || bytes.Contains(res.JPEG, []byte("Exif")) {
				t.Errorf("%d bytes, or EXIF left", len(res.JPEG))
			}
			sum := sha256.Sum256(res.JPEG)
			if res.SHA256 != hex.EncodeToString(sum[:]) {
				t.Error("SHA-256 is not the merged JPEG's")
			}
			// Front (red band) on top, white gap, back below it.
			half := (b.Dy() - mergeGap) / 2
			if !isColor(m.At(b.Dx()/2, 5), red) {
				t.Errorf("top is %v, want the front's red band", m.At(b.Dx()/2, 5))
			}
			if !isColor(m.At(b.Dx()/2, half+mergeGap/2), color.RGBA{255, 255, 255, 255}) {
				t.Errorf("gap is %v, want white", m.At(b.Dx()/2, half+mergeGap/2))
			}
			backBand := blue
			if tt.name == "gray back" {
				backBand = grayOf(blue)
			}
			if !isColor(m.At(b.Dx()/2, half+mergeGap+5), backBand) {
				t.Errorf("below the gap is %v, want the back's band", m.At(b.Dx()/2, half+mergeGap+5))
			}
		})
	}
}

func TestMergeIDCardRefusals(t *testing.T) {
	good := encodeJPEG(t, card(1200, 760, color.RGBA{200, 30, 30, 255}), 90)
	tests := []struct {
		name        string
		front, back []byte
		field, code string
	}{
		{"PNG front", encodePNG(t, card(1200, 760, color.RGBA{})), good, "front", CodeNotJPEG},
		{"empty back", good, nil, "back", CodeNotJPEG},
		{"tiny back", good, encodeJPEG(t, card(300, 200, color.RGBA{}), 90), "back", CodeTooSmall},
		{"bomb front", withSOFSize(t, encodeJPEG(t, photo(16, 16), 50), 30000, 30000), good, "front", CodeTooLarge},
		{"truncated back", good, good[:len(good)*2/3], "back", CodeNotJPEG},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := MergeIDCard(bytes.NewReader(tt.front), bytes.NewReader(tt.back), DefaultLimits())
			e, ok := AsError(err)
			if !ok || e.Code != tt.code || e.Field != tt.field {
				t.Fatalf("err %v, want %s on %s", err, tt.code, tt.field)
			}
			if e.Message.ZH == "" || e.Message.EN == "" {
				t.Error("message missing a language")
			}
		})
	}
}

func rotate90CCW(m *image.RGBA) *image.RGBA {
	b := m.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dy(), b.Dx()))
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			out.Set(y, b.Dx()-1-x, m.At(x, y))
		}
	}
	return out
}

func toGray(m image.Image) *image.Gray {
	g := image.NewGray(m.Bounds())
	draw.Draw(g, g.Bounds(), m, image.Point{}, draw.Src)
	return g
}

func grayOf(c color.RGBA) color.RGBA {
	g := color.GrayModel.Convert(c).(color.Gray)
	return color.RGBA{g.Y, g.Y, g.Y, 255}
}

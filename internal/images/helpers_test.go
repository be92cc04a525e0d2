package images

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"testing"
)

// photo draws a w×h test picture: a gradient with stripes of "print" and a
// red block in the top-left corner, so orientation can be checked.
func photo(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{uint8(200 + 55*x/w), uint8(200 + 55*y/h), 230, 255}
			if (y/12)%4 == 1 && (x/3)%5 < 3 { // lines of small dark marks
				c = color.RGBA{30, 30, 40, 255}
			}
			if x < w/4 && y < h/4 {
				c = color.RGBA{220, 20, 20, 255}
			}
			m.SetRGBA(x, y, c)
		}
	}
	return m
}

// noise is incompressible: it defeats any quality setting.
func noise(w, h int, seed uint64) *image.Gray {
	m := image.NewGray(image.Rect(0, 0, w, h))
	scatter(m.Pix, seed)
	return m
}

// colorNoise is noise in colour.
func colorNoise(w, h int, seed uint64) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	scatter(m.Pix, seed)
	return m
}

// scatter fills pix with random bytes from seed.
func scatter(pix []uint8, seed uint64) {
	r := rand.New(rand.NewPCG(seed, seed))
	for i := range pix {
		pix[i] = uint8(r.Uint32())
	}
}

func encodeJPEG(t testing.TB, m image.Image, q int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodePNG(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withSOFSize patches the frame header of a JPEG to claim w×h pixels
// while the file stays as small as it was.
func withSOFSize(t testing.TB, data []byte, w, h int) []byte {
	t.Helper()
	out := bytes.Clone(data)
	i := bytes.Index(out, []byte{0xFF, 0xC0})
	if i < 0 {
		t.Fatal("no SOF0 marker")
	}
	// FF C0, length (2), precision (1), height (2), width (2)
	binary.BigEndian.PutUint16(out[i+5:], uint16(h))
	binary.BigEndian.PutUint16(out[i+7:], uint16(w))
	return out
}

// withEXIF inserts an APP1 EXIF segment after SOI: IFD0 with Make,
// Orientation and a pointer to a GPS IFD holding a latitude.
func withEXIF(t testing.TB, data []byte, orient uint16) []byte {
	t.Helper()
	le := binary.LittleEndian
	var tiff []byte
	tiff = append(tiff, 'I', 'I', 42, 0, 8, 0, 0, 0)
	// IFD0 at 8: 3 entries (2 + 3*12 + 4 = 42 bytes) → data area at 50.
	const ifd0, make0 = 8, 50
	makeStr := []byte("FakeCam\x00")
	gpsIFD := make0 + len(makeStr) // 58
	entry := func(tag, typ uint16, count, value uint32) []byte {
		e := make([]byte, 12)
		le.PutUint16(e, tag)
		le.PutUint16(e[2:], typ)
		le.PutUint32(e[4:], count)
		le.PutUint32(e[8:], value)
		return e
	}
	tiff = le.AppendUint16(tiff, 3)
	tiff = append(tiff, entry(0x010F, 2, uint32(len(makeStr)), make0)...)
	tiff = append(tiff, entry(0x0112, 3, 1, uint32(orient))...)
	tiff = append(tiff, entry(0x8825, 4, 1, uint32(gpsIFD))...)
	tiff = le.AppendUint32(tiff, 0)
	if len(tiff) != ifd0+42 {
		t.Fatalf("IFD0 layout: %d", len(tiff))
	}
	tiff = append(tiff, make([]byte, make0-len(tiff))...)
	tiff = append(tiff, makeStr...)
	// GPS IFD: LatitudeRef "N", Latitude 3 rationals.
	latData := gpsIFD + 2 + 2*12 + 4
	tiff = le.AppendUint16(tiff, 2)
	tiff = append(tiff, entry(0x0001, 2, 2, uint32('N'))...)
	tiff = append(tiff, entry(0x0002, 5, 3, uint32(latData))...)
	tiff = le.AppendUint32(tiff, 0)
	for _, v := range []uint32{39, 1, 54, 1, 2700, 100} { // 39°54'27"
		tiff = le.AppendUint32(tiff, v)
	}
	seg := append([]byte("Exif\x00\x00"), tiff...)
	app1 := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(app1[2:], uint16(len(seg)+2))
	app1 = append(app1, seg...)
	out := append([]byte{}, data[:2]...)
	out = append(out, app1...)
	return append(out, data[2:]...)
}

// decodeOK decodes a stored copy and fails the test if it is not a JPEG.
func decodeOK(t testing.TB, data []byte) image.Image {
	t.Helper()
	m, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("stored copy does not decode: %v", err)
	}
	return m
}

func isRed(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return r>>8 > 170 && g>>8 < 90 && b>>8 < 90
}

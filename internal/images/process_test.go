package images

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"beian/internal/config"
)

func TestProcessRefusals(t *testing.T) {
	small := encodeJPEG(t, photo(640, 480), 85)
	tests := []struct {
		name string
		data []byte
		lim  Limits
		code string
		say  string // part of the English message
	}{
		{"empty file", nil, Limits{}, CodeNotJPEG, "empty"},
		{"PNG named .jpg", encodePNG(t, photo(800, 600)), Limits{}, CodeNotJPEG, "PNG"},
		{"GIF", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), Limits{}, CodeNotJPEG, "GIF"},
		{"HEIC", append([]byte{0, 0, 0, 0x18}, []byte("ftypheic\x00\x00\x00\x00mif1heic")...), Limits{}, CodeNotJPEG, "HEIC"},
		{"PDF", []byte("%PDF-1.7\n%âãÏÓ\n1 0 obj"), Limits{}, CodeNotJPEG, "PDF"},
		{"WebP", []byte("RIFF\x24\x00\x00\x00WEBPVP8 "), Limits{}, CodeNotJPEG, "WebP"},
		{"text", []byte("hello, this is not a picture"), Limits{}, CodeNotJPEG, "not a recognised image"},
		{"JPEG magic only", []byte{0xFF, 0xD8, 0xFF}, Limits{}, CodeNotJPEG, "damaged"},
		{"truncated JPEG", small[:len(small)/2], Limits{}, CodeNotJPEG, "damaged"},
		{"header only", small[:200], Limits{}, CodeNotJPEG, "damaged"},
		{"30000×30000 claimed", withSOFSize(t, encodeJPEG(t, photo(16, 16), 50), 30000, 30000), Limits{}, CodeTooLarge, "30000×30000"},
		{"above MaxPixels", encodeJPEG(t, photo(1000, 800), 80), Limits{MaxPixels: 700_000}, CodeTooLarge, "megapixel"},
		{"120×80", encodeJPEG(t, photo(120, 80), 90), Limits{}, CodeTooSmall, "120×80"},
		{"narrow", encodeJPEG(t, photo(599, 800), 90), Limits{}, CodeTooSmall, "600×400"},
		{"portrait after orientation", withEXIF(t, encodeJPEG(t, photo(700, 500), 90), 6), Limits{}, CodeTooSmall, "500×700"},
		{"too many bytes", small, Limits{MaxBytes: int64(len(small)) - 1}, CodeTooLarge, "limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Process(bytes.NewReader(tt.data), tt.lim)
			if err == nil {
				t.Fatalf("accepted (%dx%d), want %s", res.Width, res.Height, tt.code)
			}
			e, ok := AsError(err)
			if !ok {
				t.Fatalf("error %v is not an *images.Error", err)
			}
			if e.Code != tt.code || CodeOf(err) != tt.code {
				t.Fatalf("code %s, want %s (%v)", e.Code, tt.code, err)
			}
			if e.Message.ZH == "" || !strings.Contains(e.Message.EN, tt.say) {
				t.Errorf("message %+v should say %q", e.Message, tt.say)
			}
			// Catalogue words, formatted: no key and no fmt complaint shows.
			if m := e.Message.ZH + e.Message.EN; strings.Contains(m, "%!") || strings.Contains(m, "image.") {
				t.Errorf("message %+v is not formatted words", e.Message)
			}
		})
	}
}

func TestProcessAcceptsNormalPhoto(t *testing.T) {
	data := encodeJPEG(t, photo(1200, 900), 90)
	res, err := Process(bytes.NewReader(data), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if res.SHA256 != hex.EncodeToString(sum[:]) || res.OriginalBytes != int64(len(data)) {
		t.Errorf("hash/size %s %d, want those of the original", res.SHA256, res.OriginalBytes)
	}
	if res.Width != 1200 || res.Height != 900 {
		t.Errorf("size %dx%d", res.Width, res.Height)
	}
	m := decodeOK(t, res.JPEG)
	if m.Bounds() != image.Rect(0, 0, 1200, 900) {
		t.Errorf("stored bounds %v", m.Bounds())
	}
	if !isRed(m.At(10, 10)) || isRed(m.At(1190, 890)) {
		t.Error("picture content changed")
	}
}

func TestProcessExactLimitsAccepted(t *testing.T) {
	data := encodeJPEG(t, photo(600, 400), 90)
	res, err := Process(bytes.NewReader(data), Limits{MaxBytes: int64(len(data))})
	if err != nil {
		t.Fatalf("600×400 at exactly MaxBytes refused: %v", err)
	}
	if res.Width != 600 || res.Height != 400 {
		t.Errorf("size %dx%d", res.Width, res.Height)
	}
}

func TestProcessGray(t *testing.T) {
	data := encodeJPEG(t, noise(800, 600, 1), 80)
	res, err := Process(bytes.NewReader(data), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if m := decodeOK(t, res.JPEG); m.Bounds().Dx() != 800 {
		t.Errorf("bounds %v", m.Bounds())
	}
}

func TestProcessOrientationAndStripping(t *testing.T) {
	// The camera stored the red corner top-left; each orientation says
	// where it belongs on screen.
	wantRed := map[uint16]func(w, h int) image.Point{
		1: func(w, h int) image.Point { return image.Pt(5, 5) },
		2: func(w, h int) image.Point { return image.Pt(w-5, 5) },
		3: func(w, h int) image.Point { return image.Pt(w-5, h-5) },
		4: func(w, h int) image.Point { return image.Pt(5, h-5) },
		5: func(w, h int) image.Point { return image.Pt(5, 5) },
		6: func(w, h int) image.Point { return image.Pt(w-5, 5) },
		7: func(w, h int) image.Point { return image.Pt(w-5, h-5) },
		8: func(w, h int) image.Point { return image.Pt(5, h-5) },
	}
	base := encodeJPEG(t, photo(1000, 700), 90)
	for o := uint16(1); o <= 8; o++ {
		data := withEXIF(t, base, o)
		if !bytes.Contains(data, []byte("Exif")) || !bytes.Contains(data, []byte("FakeCam")) {
			t.Fatal("test input lacks its EXIF")
		}
		res, err := Process(bytes.NewReader(data), DefaultLimits())
		if err != nil {
			t.Fatalf("orientation %d: %v", o, err)
		}
		w, h := 1000, 700
		if o >= 5 {
			w, h = 700, 1000
		}
		if res.Width != w || res.Height != h {
			t.Errorf("orientation %d: %dx%d, want %dx%d", o, res.Width, res.Height, w, h)
		}
		m := decodeOK(t, res.JPEG)
		if m.Bounds().Dx() != w || m.Bounds().Dy() != h {
			t.Errorf("orientation %d: stored bounds %v", o, m.Bounds())
		}
		red := wantRed[o](w, h)
		if !isRed(m.At(red.X, red.Y)) {
			t.Errorf("orientation %d: red corner not at %v", o, red)
		}
		red = image.Pt(w-1-red.X, h-1-red.Y)
		if isRed(m.At(red.X, red.Y)) {
			t.Errorf("orientation %d: opposite corner %v is red", o, red)
		}
		for _, s := range []string{"Exif", "FakeCam", "\xFF\xE1"} {
			if bytes.Contains(res.JPEG, []byte(s)) {
				t.Errorf("orientation %d: stored copy contains %q", o, s)
			}
		}
		sum := sha256.Sum256(data)
		if res.SHA256 != hex.EncodeToString(sum[:]) {
			t.Errorf("orientation %d: SHA-256 is not the original's", o)
		}
	}
}

func TestProcessFitsStoreBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("encodes a 12 MP noise picture")
	}
	data := encodeJPEG(t, colorNoise(4000, 3000, 7), 70)
	if len(data) <= DefaultStoreMaxBytes {
		t.Fatalf("test input only %d bytes", len(data))
	}
	res, err := Process(bytes.NewReader(data), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.JPEG) > DefaultStoreMaxBytes {
		t.Errorf("stored copy %d bytes > 2 MiB", len(res.JPEG))
	}
	m := decodeOK(t, res.JPEG)
	if m.Bounds().Dx() != res.Width || m.Bounds().Dy() != res.Height {
		t.Errorf("reported %dx%d, stored %v", res.Width, res.Height, m.Bounds())
	}
	// Aspect kept, and not shrunk further than needed: noise at 4:3
	// fits 2 MiB well above 1000 px wide.
	if r := float64(res.Width) / float64(res.Height); r < 1.32 || r > 1.35 {
		t.Errorf("aspect ratio %.3f", r)
	}
	if res.Width < 1000 || res.Width >= 4000 {
		t.Errorf("width %d", res.Width)
	}
	t.Logf("4000×3000 noise (%d bytes) stored as %dx%d, %d bytes", len(data), res.Width, res.Height, len(res.JPEG))
}

func TestProcessQualityBeforeShrinking(t *testing.T) {
	// A budget just under the quality-90 size is met by lowering quality,
	// keeping every pixel.
	data := encodeJPEG(t, photo(1600, 1200), 95)
	full, err := Process(bytes.NewReader(data), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	lim := Limits{StoreMaxBytes: int64(len(full.JPEG)) - 1}
	res, err := Process(bytes.NewReader(data), lim)
	if err != nil {
		t.Fatal(err)
	}
	if res.Width != 1600 || int64(len(res.JPEG)) > lim.StoreMaxBytes {
		t.Errorf("%dx%d, %d bytes (budget %d)", res.Width, res.Height, len(res.JPEG), lim.StoreMaxBytes)
	}
}

func TestProcessReadsNoMoreThanLimit(t *testing.T) {
	// A 12 MB upload is refused after MaxBytes+1 bytes; the rest is never read.
	head := encodeJPEG(t, photo(640, 480), 80)
	body := io.MultiReader(bytes.NewReader(head), &zeros{n: 12 << 20})
	cr := &countingReader{r: body}
	_, err := Process(cr, DefaultLimits())
	if CodeOf(err) != CodeTooLarge {
		t.Fatalf("err %v, want too_large", err)
	}
	if cr.n > DefaultMaxBytes+1 {
		t.Errorf("read %d bytes, limit %d", cr.n, DefaultMaxBytes)
	}
}

func TestProcessReaderError(t *testing.T) {
	boom := errors.New("connection reset")
	data := encodeJPEG(t, photo(640, 480), 80)
	_, err := Process(io.MultiReader(bytes.NewReader(data[:100]), iotest.ErrReader(boom)), DefaultLimits())
	if !errors.Is(err, boom) || CodeOf(err) != "" {
		t.Fatalf("err %v, want the reader's error unchanged", err)
	}
}

func TestLimitsFrom(t *testing.T) {
	l := LimitsFrom(config.DefaultProvider())
	if l != DefaultLimits() {
		t.Errorf("from default provider: %+v", l)
	}
	p := config.DefaultProvider()
	p.AttachmentMaxBytes, p.AttachmentMinWidth = 5<<20, 800
	l = LimitsFrom(p)
	if l.MaxBytes != 5<<20 || l.MinWidth != 800 || l.MinHeight != 400 || l.MaxPixels != DefaultMaxPixels {
		t.Errorf("overrides: %+v", l)
	}
	if LimitsFrom(config.Provider{}) != DefaultLimits() {
		t.Error("empty provider should give defaults")
	}
}

type zeros struct{ n int }

func (z *zeros) Read(p []byte) (int, error) {
	if z.n == 0 {
		return 0, io.EOF
	}
	k := min(len(p), z.n)
	clear(p[:k])
	z.n -= k
	return k, nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	c.n += int64(k)
	return k, err
}

func BenchmarkProcess3000x2000(b *testing.B) {
	data := encodeJPEG(b, photo(3000, 2000), 88)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Process(bytes.NewReader(data), DefaultLimits()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkProcess3000x2000Rotated(b *testing.B) {
	data := withEXIF(b, encodeJPEG(b, photo(3000, 2000), 88), 6)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Process(bytes.NewReader(data), DefaultLimits()); err != nil {
			b.Fatal(err)
		}
	}
}

func TestProcessRefusesBySizeHint(t *testing.T) {
	// Multipart uploads arrive as *os.File or io.SectionReader: their size
	// is known, so an oversized one is refused after the first bytes.
	data := append(encodeJPEG(t, photo(640, 480), 80), make([]byte, 2000)...)
	lim := Limits{MaxBytes: int64(len(data)) - 1}
	path := filepath.Join(t.TempDir(), "upload.jpg")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := Process(f, lim); CodeOf(err) != CodeTooLarge {
		t.Fatalf("file: %v", err)
	}
	if pos, _ := f.Seek(0, io.SeekCurrent); pos != sniffLen {
		t.Errorf("read %d bytes of an oversized file", pos)
	}
	if _, err := Process(io.NewSectionReader(bytes.NewReader(data), 0, int64(len(data))), lim); CodeOf(err) != CodeTooLarge {
		t.Fatalf("section: %v", err)
	}
	// At the limit, every kind of reader is accepted.
	lim.MaxBytes++
	f.Seek(0, io.SeekStart)
	for name, r := range map[string]io.Reader{"file": f, "section": io.NewSectionReader(bytes.NewReader(data), 0, int64(len(data))), "plain": io.MultiReader(bytes.NewReader(data))} {
		if _, err := Process(r, lim); err != nil {
			t.Errorf("%s at the limit: %v", name, err)
		}
	}
}

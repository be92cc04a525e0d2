package images

import (
	"bytes"
	"image/jpeg"
	"testing"
)

// fuzzLimits keep each run cheap while exercising every rule.
var fuzzLimits = Limits{MaxBytes: 256 << 10, StoreMaxBytes: 64 << 10, MinWidth: 8, MinHeight: 8, MaxPixels: 1 << 20}

func FuzzProcess(f *testing.F) {
	jpg := encodeJPEG(f, photo(64, 48), 80)
	f.Add([]byte{})
	f.Add([]byte{0xFF, 0xD8, 0xFF})
	f.Add(jpg)
	f.Add(jpg[:len(jpg)/2])
	f.Add(jpg[:len(jpg)-2])
	f.Add(withSOFSize(f, jpg, 30000, 30000))
	f.Add(withSOFSize(f, jpg, 0, 0))
	f.Add(withSOFSize(f, jpg, 65535, 1))
	f.Add(withEXIF(f, jpg, 6))
	f.Add(withEXIF(f, jpg, 7)[:40])
	f.Add(encodeJPEG(f, noise(40, 30, 3), 60))
	f.Add(encodePNG(f, photo(20, 20)))
	for _, b := range readStdlibJPEGs() { // every subsampling, CMYK, progressive
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Process(bytes.NewReader(data), fuzzLimits)
		if err != nil {
			if _, ok := AsError(err); !ok {
				t.Fatalf("not an *images.Error: %v", err)
			}
			return
		}
		if int64(len(data)) > fuzzLimits.MaxBytes || int64(len(res.JPEG)) > fuzzLimits.StoreMaxBytes {
			t.Fatalf("accepted %d bytes, stored %d", len(data), len(res.JPEG))
		}
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(res.JPEG))
		if err != nil {
			t.Fatalf("stored copy is not a JPEG: %v", err)
		}
		if cfg.Width != res.Width || cfg.Height != res.Height || cfg.Width*cfg.Height > fuzzLimits.MaxPixels {
			t.Fatalf("stored %dx%d, reported %dx%d", cfg.Width, cfg.Height, res.Width, res.Height)
		}
		if _, err := jpeg.Decode(bytes.NewReader(res.JPEG)); err != nil {
			t.Fatalf("stored copy does not decode: %v", err)
		}
		if bytes.Contains(res.JPEG, []byte("Exif")) {
			t.Fatal("stored copy keeps EXIF")
		}
	})
}

func FuzzMergeIDCard(f *testing.F) {
	jpg := encodeJPEG(f, photo(64, 48), 80)
	f.Add(jpg, jpg)
	f.Add(jpg[:len(jpg)/2], jpg)
	f.Add(jpg, withSOFSize(f, jpg, 30000, 30000))
	f.Add(withEXIF(f, jpg, 8), []byte{})
	f.Fuzz(func(t *testing.T, front, back []byte) {
		res, err := MergeIDCard(bytes.NewReader(front), bytes.NewReader(back), fuzzLimits)
		if err != nil {
			if e, ok := AsError(err); !ok || (e.Field != "front" && e.Field != "back") {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if _, err := jpeg.Decode(bytes.NewReader(res.JPEG)); err != nil {
			t.Fatalf("merged copy does not decode: %v", err)
		}
	})
}

package images

import (
	"testing"
)

func TestExifOrientation(t *testing.T) {
	jpg := encodeJPEG(t, photo(32, 32), 80)
	tests := []struct {
		name string
		data []byte
		want orientation
	}{
		{"no EXIF", jpg, 1},
		{"orientation 6", withEXIF(t, jpg, 6), 6},
		{"orientation 8", withEXIF(t, jpg, 8), 8},
		{"orientation 3", withEXIF(t, jpg, 3), 3},
		{"out of range 9", withEXIF(t, jpg, 9), 1},
		{"zero", withEXIF(t, jpg, 0), 1},
		{"empty", nil, 1},
		{"SOI only", []byte{0xFF, 0xD8}, 1},
		{"segment length beyond file", []byte{0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, 'E', 'x'}, 1},
		{"segment length below 2", []byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x01, 0, 0}, 1},
		{"not a marker", []byte{0xFF, 0xD8, 0x00, 0xE1, 0x00, 0x04, 0, 0}, 1},
		{"big-endian", bigEndianExif(6), 6},
		{"IFD offset beyond segment", exifSegment([]byte("II*\x00\xff\xff\x00\x00")), 1},
		{"entry count beyond segment", exifSegment([]byte("II*\x00\x08\x00\x00\x00\xff\xff")), 1},
		{"wrong TIFF magic", exifSegment([]byte("II+\x00\x08\x00\x00\x00\x00\x00")), 1},
		{"orientation typed LONG", exifSegment([]byte("II*\x00\x08\x00\x00\x00\x01\x00\x12\x01\x04\x00\x01\x00\x00\x00\x06\x00\x00\x00")), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := exifOrientation(tt.data); got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
}

func exifSegment(tiff []byte) []byte {
	seg := append([]byte("Exif\x00\x00"), tiff...)
	n := len(seg) + 2
	out := []byte{0xFF, 0xD8, 0xFF, 0xE1, byte(n >> 8), byte(n)}
	return append(append(out, seg...), 0xFF, 0xD9)
}

func bigEndianExif(o byte) []byte {
	return exifSegment([]byte{'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, o, 0, 0, 0, 0, 0, 0})
}

func FuzzExifOrientation(f *testing.F) {
	f.Add(withEXIF(f, encodeJPEG(f, photo(8, 8), 50), 6))
	f.Add(bigEndianExif(8))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x02})
	f.Fuzz(func(t *testing.T, data []byte) {
		if o := exifOrientation(data); o < 1 || o > 8 {
			t.Fatalf("orientation %d", o)
		}
	})
}

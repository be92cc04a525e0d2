// Package jpegtest makes hostile JPEG files for tests: files that are
// small on the wire and costly to decode.
package jpegtest

import "bytes"

// ProgressiveDC is a DC-only progressive JPEG of w×h (multiples of 8),
// 4:4:4: every block's DC difference is 0, coded in one bit, so 40 MP fit
// in 234 KB. Go's decoder keeps every coefficient of a progressive image
// until its last scan — about 12 bytes a pixel here (issue 12: 611 MB).
func ProgressiveDC(w, h int) []byte {
	var b bytes.Buffer
	seg := func(marker byte, body ...byte) {
		b.Write([]byte{0xff, marker, byte((len(body) + 2) >> 8), byte(len(body) + 2)})
		b.Write(body)
	}
	b.Write([]byte{0xff, 0xd8})
	q := make([]byte, 65)
	for i := 1; i < 65; i++ {
		q[i] = 1
	}
	seg(0xdb, q...)
	seg(0xc2, 8, byte(h>>8), byte(h), byte(w>>8), byte(w), 3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0)
	dht := make([]byte, 1+16+1)
	dht[1] = 1 // one code of length 1: symbol 0 (difference category 0)
	seg(0xc4, dht...)
	seg(0xda, 3, 1, 0x00, 2, 0x00, 3, 0x00, 0, 0, 0)
	bits := (w / 8) * (h / 8) * 3
	b.Write(make([]byte, bits/8))
	if bits%8 != 0 {
		b.WriteByte(0xff >> (bits % 8))
		b.WriteByte(0x00) // the stuffed zero after 0xFF
	}
	b.Write([]byte{0xff, 0xd9})
	return b.Bytes()
}

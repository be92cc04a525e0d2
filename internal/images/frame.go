package images

import (
	"bufio"
	"errors"
	"io"
)

// Decoding memory depends on more than the pixel count. A baseline JPEG
// costs about 3 bytes a pixel while it is decoded, turned and re-encoded
// (the unit MaxPixels is counted in). A progressive one costs more: Go's
// decoder keeps every DCT coefficient of every scan until the last, 4
// bytes per sample, so a DC-only progressive 4:4:4 file of 234 KB and 40
// MP took the server to 611 MB (issue 12). Weight is the pixel count
// scaled to that unit, so the limits and the service's decoding budget
// see what a picture really costs.

// frame is what a JPEG's start-of-frame header says.
type frame struct {
	width, height int
	progressive   bool
	planes        float64 // full-size sample planes: 3 for 4:4:4, 1.5 for 4:2:0, 1 for grey, 4 for CMYK 4:4:4
}

// weight is the frame's decoding cost in baseline pixels (3 bytes each).
func (f frame) weight() int64 {
	px := float64(f.width) * float64(f.height)
	if !f.progressive {
		return int64(px)
	}
	return int64(px * (3 + 4*f.planes) / 3)
}

var errNoFrame = errors.New("no start-of-frame header")

// readFrame reads markers up to the first start-of-frame header, skipping
// every other segment without keeping it.
func readFrame(r io.Reader) (frame, error) {
	br := bufio.NewReaderSize(r, 4096)
	var b [2]byte
	if _, err := io.ReadFull(br, b[:]); err != nil || b[0] != 0xff || b[1] != 0xd8 {
		return frame{}, errNoFrame
	}
	for {
		// A marker: 0xFF (fill bytes allowed), then its code.
		c, err := br.ReadByte()
		if err != nil {
			return frame{}, errNoFrame
		}
		if c != 0xff {
			return frame{}, errNoFrame
		}
		for c == 0xff {
			if c, err = br.ReadByte(); err != nil {
				return frame{}, errNoFrame
			}
		}
		if c == 0xd8 || (c >= 0xd0 && c <= 0xd7) || c == 0x01 {
			continue // no length
		}
		if _, err := io.ReadFull(br, b[:]); err != nil {
			return frame{}, errNoFrame
		}
		n := int(b[0])<<8 | int(b[1]) - 2
		if n < 0 {
			return frame{}, errNoFrame
		}
		switch c {
		case 0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf:
			seg := make([]byte, n)
			if _, err := io.ReadFull(br, seg); err != nil || n < 6 {
				return frame{}, errNoFrame
			}
			f := frame{height: int(seg[1])<<8 | int(seg[2]), width: int(seg[3])<<8 | int(seg[4]),
				progressive: c == 0xc2 || c == 0xc6 || c == 0xca || c == 0xce}
			nc := int(seg[5])
			if nc == 0 || len(seg) < 6+3*nc {
				return frame{}, errNoFrame
			}
			hmax, vmax, sum := 1, 1, 0
			for i := range nc {
				h, v := int(seg[6+3*i+1]>>4), int(seg[6+3*i+1]&0x0f)
				hmax, vmax, sum = max(hmax, h), max(vmax, v), sum+h*v
			}
			f.planes = float64(sum) / float64(hmax*vmax)
			return f, nil
		case 0xd9, 0xda:
			return frame{}, errNoFrame // end of image or scan data before any frame
		}
		if _, err := br.Discard(n); err != nil {
			return frame{}, errNoFrame
		}
	}
}

// Weight is the decoding cost of the JPEG r starts with, in the pixels
// MaxPixels counts (3 bytes each): the pixel count for a baseline image,
// more for a progressive one. It reads only the headers.
func Weight(r io.Reader) (int64, error) {
	f, err := readFrame(r)
	if err != nil {
		return 0, err
	}
	return f.weight(), nil
}

package images

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
)

const (
	// mergeMaxWidth keeps a merged ID card legible and small: an ID card
	// at 1600 px wide shows its smallest print clearly.
	mergeMaxWidth = 1600
	// mergeGap is the white band between the two sides (even, so the
	// half-size chroma rows of both sides line up).
	mergeGap = 24
)

// MergeIDCard makes the one image the bureau wants from the front
// (人像面) and back (国徽面) photos of an ID card: each side is checked
// like Process does, turned upright, scaled to a common width (the
// narrower side's, at most 1600 px), and the front is placed above the
// back with a white band between. Refusals are *Error with Field "front"
// or "back". SHA256 and OriginalBytes describe the merged JPEG.
func MergeIDCard(front, back io.Reader, lim Limits) (*Result, error) {
	lim = lim.withDefaults()
	sides := []struct {
		field string
		r     io.Reader
		data  []byte
		h     header
	}{{field: "front", r: front}, {field: "back", r: back}}
	for i := range sides {
		s := &sides[i]
		data, err := readUpload(s.r, lim.MaxBytes)
		if err == nil {
			s.h, err = inspect(data, lim)
		}
		if err != nil {
			return nil, onSide(s.field, err)
		}
		s.data = data
	}
	w := min(sides[0].h.width, sides[1].h.width, mergeMaxWidth)
	pics := make([]*picture, len(sides))
	for i := range sides {
		s := &sides[i]
		h := max(2, (s.h.height*w/s.h.width+1)&^1) // even, keeping the aspect ratio
		p, err := decodePicture(s.data, s.h.orient, s.h.cfg, w, h)
		if err != nil {
			return nil, onSide(s.field, err)
		}
		s.data = nil // decode one side at a time
		pics[i] = p
	}
	merged := stack(pics[0], pics[1], mergeGap)
	pics = nil
	out, mw, mh, err := encodeFit(merged, lim.StoreMaxBytes)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(out)
	return &Result{JPEG: out, Width: mw, Height: mh, SHA256: hex.EncodeToString(sum[:]), OriginalBytes: int64(len(out))}, nil
}

func onSide(field string, err error) error {
	if e, ok := AsError(err); ok {
		c := *e
		c.Field = field
		side := map[string][2]string{"front": {"正面（人像面）：", "Front side: "}, "back": {"反面（国徽面）：", "Back side: "}}[field]
		c.Message.ZH = side[0] + c.Message.ZH
		c.Message.EN = side[1] + c.Message.EN
		return &c
	}
	return err
}

// stack puts top above bottom (same width, top's height even) with a
// white band of gap (even) rows between.
func stack(top, bottom *picture, gap int) *picture {
	w := top.width()
	h := top.height() + gap + bottom.height()
	out := &picture{y: newPlane(w, h)}
	copyRows(out.y, 0, top.y)
	fill(out.y, top.height(), gap, 255)
	copyRows(out.y, top.height()+gap, bottom.y)
	if top.gray() && bottom.gray() {
		return out
	}
	cw, ch := chromaDims(w, h)
	out.cb, out.cr = newPlane(cw, ch), newPlane(cw, ch)
	for _, c := range []struct {
		dst       plane
		top, bott plane
	}{{out.cb, top.cb, bottom.cb}, {out.cr, top.cr, bottom.cr}} {
		fill(c.dst, 0, ch, 128) // neutral: gray sides stay gray
		if c.top.pix != nil {
			copyRows(c.dst, 0, c.top)
		}
		if c.bott.pix != nil {
			copyRows(c.dst, (top.height()+gap)/2, c.bott)
		}
	}
	return out
}

func copyRows(dst plane, y0 int, src plane) {
	for j := 0; j < src.h && y0+j < dst.h; j++ {
		copy(dst.pix[(y0+j)*dst.stride:(y0+j)*dst.stride+dst.w], src.pix[j*src.stride:j*src.stride+src.w])
	}
}

func fill(p plane, y0, rows int, v byte) {
	for j := y0; j < y0+rows && j < p.h; j++ {
		row := p.pix[j*p.stride : j*p.stride+p.w]
		for i := range row {
			row[i] = v
		}
	}
}

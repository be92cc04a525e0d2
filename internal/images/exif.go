package images

import (
	"bytes"
	"encoding/binary"
)

// orientation is the EXIF Orientation tag (0x0112): how the camera's
// pixels must be turned for display. 1 is upright; 5–8 swap width and
// height.
type orientation int

const orientUpright orientation = 1

// swaps reports whether displaying the image exchanges width and height.
func (o orientation) swaps() bool { return o >= 5 && o <= 8 }

// exifOrientation reads the Orientation tag from the first EXIF APP1
// segment of a JPEG. Anything it cannot read safely counts as upright:
// a wrong guess costs a rotated picture, never a crash. Only IFD0 is read;
// the rest of the EXIF block (GPS, camera) is never interpreted and never
// stored.
func exifOrientation(data []byte) orientation {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return orientUpright
	}
	i := 2
	for i+4 <= len(data) {
		if data[i] != 0xFF {
			return orientUpright // not a marker: give up rather than guess
		}
		marker := data[i+1]
		if marker == 0xFF { // fill byte
			i++
			continue
		}
		i += 2
		switch {
		case marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7):
			continue // markers without a length
		case marker == 0xDA || marker == 0xD9:
			return orientUpright // image data starts: metadata is over
		}
		segLen := int(data[i])<<8 | int(data[i+1])
		if segLen < 2 || i+segLen > len(data) {
			return orientUpright
		}
		seg := data[i+2 : i+segLen]
		if marker == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			if o, ok := tiffOrientation(seg[6:]); ok {
				return o
			}
			return orientUpright
		}
		i += segLen
	}
	return orientUpright
}

// tiffOrientation finds tag 0x0112 in IFD0 of a TIFF structure.
func tiffOrientation(t []byte) (orientation, bool) {
	if len(t) < 8 {
		return 0, false
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 0, false
	}
	if bo.Uint16(t[2:4]) != 42 {
		return 0, false
	}
	off := uint64(bo.Uint32(t[4:8]))
	if off < 8 || off+2 > uint64(len(t)) {
		return 0, false
	}
	n := uint64(bo.Uint16(t[off : off+2]))
	for k := uint64(0); k < n; k++ {
		e := off + 2 + 12*k
		if e+12 > uint64(len(t)) {
			return 0, false
		}
		if bo.Uint16(t[e:e+2]) != 0x0112 {
			continue
		}
		typ, count := bo.Uint16(t[e+2:e+4]), bo.Uint32(t[e+4:e+8])
		if typ != 3 || count < 1 { // SHORT; the value sits in the entry itself
			return 0, false
		}
		v := orientation(bo.Uint16(t[e+8 : e+10]))
		if v < 1 || v > 8 {
			return 0, false
		}
		return v, true
	}
	return 0, false
}

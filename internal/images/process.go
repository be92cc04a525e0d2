package images

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"io"
	"io/fs"
)

// Result is the stored copy of an accepted upload.
type Result struct {
	// JPEG is the stored copy: upright, without any metadata, at most
	// StoreMaxBytes.
	JPEG []byte
	// Width and Height are the stored copy's.
	Width, Height int
	// SHA256 is the hex digest of the original upload (for MergeIDCard, of
	// the merged JPEG).
	SHA256 string
	// OriginalBytes is the size of the upload (for MergeIDCard, of the
	// merged JPEG).
	OriginalBytes int64
}

// Process checks an upload and returns the copy to store. Refusals the
// applicant can fix are *Error with code CodeNotJPEG, CodeTooLarge or
// CodeTooSmall; other errors (a failing reader) are wrapped with %w.
//
// It reads at most lim.MaxBytes+1 bytes, trusts only the leading bytes to
// tell the format, reads the frame header before decoding so pixel bombs
// are refused unallocated, applies the EXIF orientation and re-encodes,
// which drops EXIF, GPS, camera and every other metadata segment.
func Process(r io.Reader, lim Limits) (*Result, error) {
	lim = lim.withDefaults()
	data, err := readUpload(r, lim.MaxBytes)
	if err != nil {
		return nil, err
	}
	h, err := inspect(data, lim)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	p, err := decodePicture(data, h.orient, h.cfg, h.width, h.height)
	if err != nil {
		return nil, err
	}
	n := int64(len(data))
	data = nil // the upload is no longer needed while encoding
	out, w, ht, err := encodeFit(p, lim.StoreMaxBytes)
	if err != nil {
		return nil, err
	}
	return &Result{JPEG: out, Width: w, Height: ht, SHA256: hex.EncodeToString(sum[:]), OriginalBytes: n}, nil
}

// readUpload reads a JPEG upload of at most max bytes. Non-JPEG files are
// refused from their first bytes, oversized ones as soon as the limit is
// passed, without reading the rest.
func readUpload(r io.Reader, max int64) ([]byte, error) {
	head := make([]byte, sniffLen)
	n, err := io.ReadFull(r, head)
	head = head[:n]
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, fmt.Errorf("read upload: %w", err)
	}
	if f := Sniff(head); f != FormatJPEG {
		return nil, errNotJPEG(f)
	}
	// Multipart files, bytes and strings readers know their size: refuse
	// an oversized upload without reading it, size the buffer exactly.
	hint, known := sizeHint(r)
	if known && hint+int64(len(head)) > max {
		return nil, errTooManyBytes(max)
	}
	var buf bytes.Buffer
	if known {
		buf.Grow(int(hint) + len(head) + bytes.MinRead)
	} else {
		buf.Grow(int(min(max+1, 1<<20)))
	}
	buf.Write(head)
	if _, err := buf.ReadFrom(io.LimitReader(r, max+1-int64(len(head)))); err != nil {
		return nil, fmt.Errorf("read upload: %w", err)
	}
	if int64(buf.Len()) > max {
		return nil, errTooManyBytes(max)
	}
	return buf.Bytes(), nil
}

// header is what inspect learned without decoding pixels.
type header struct {
	cfg           image.Config
	orient        orientation
	width, height int // display dimensions (after orientation)
}

// inspect checks the frame header against the limits.
func inspect(data []byte, lim Limits) (header, error) {
	cfg, err := decodeConfig(data)
	if err != nil {
		return header{}, errBroken(err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return header{}, errBroken(fmt.Errorf("frame header says %dx%d", cfg.Width, cfg.Height))
	}
	max := int64(lim.MaxPixels)
	if cfg.ColorModel == color.CMYKModel {
		max /= 2 // CMYK decodes to 4 bytes a pixel and is converted once more
	}
	if int64(cfg.Width)*int64(cfg.Height) > max {
		return header{}, errTooManyPixels(cfg.Width, cfg.Height, int(max))
	}
	// A progressive image is budgeted by its real cost (frame.go): its
	// coefficients are kept for every pixel until the last scan.
	if f, err := readFrame(bytes.NewReader(data)); err == nil && f.progressive && f.weight() > max {
		px := float64(max) * float64(cfg.Width) * float64(cfg.Height) / float64(f.weight())
		return header{}, errTooManyProgressive(cfg.Width, cfg.Height, int(px))
	}
	h := header{cfg: cfg, orient: exifOrientation(data), width: cfg.Width, height: cfg.Height}
	if h.orient.swaps() {
		h.width, h.height = h.height, h.width
	}
	if h.width < lim.MinWidth || h.height < lim.MinHeight {
		return header{}, errTooSmall(h.width, h.height, lim.MinWidth, lim.MinHeight)
	}
	return h, nil
}

// sizeHint is how many bytes r has left, when r can tell.
func sizeHint(r io.Reader) (int64, bool) {
	switch v := r.(type) {
	case interface{ Len() int }: // bytes.Reader, strings.Reader, bytes.Buffer
		return int64(v.Len()), true
	case interface {
		Size() int64
		Seek(int64, int) (int64, error)
	}: // io.SectionReader (multipart files kept in memory)
		size := v.Size()
		pos, err := v.Seek(0, io.SeekCurrent)
		if err != nil || pos > size {
			return 0, false
		}
		return size - pos, true
	case interface {
		Stat() (fs.FileInfo, error)
		Seek(int64, int) (int64, error)
	}: // *os.File (multipart files spooled to disk)
		st, err := v.Stat()
		if err != nil || !st.Mode().IsRegular() {
			return 0, false
		}
		pos, err := v.Seek(0, io.SeekCurrent)
		if err != nil || pos > st.Size() {
			return 0, false
		}
		return st.Size() - pos, true
	}
	return 0, false
}

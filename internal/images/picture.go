package images

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
)

// picture is a decoded image in the layout the JPEG encoder writes:
// luma at full size and, unless gray, both chroma planes at half size
// (4:2:0). Keeping it planar lets orientation, scaling and stacking work on
// 1.5 bytes per pixel instead of RGBA's 4.
type picture struct {
	y      plane
	cb, cr plane // empty for gray pictures
}

func (p *picture) gray() bool  { return p.cb.pix == nil }
func (p *picture) width() int  { return p.y.w }
func (p *picture) height() int { return p.y.h }

func chromaDims(w, h int) (int, int) { return (w + 1) / 2, (h + 1) / 2 }

// image views the planes as an image.Image the jpeg encoder has a fast path for.
func (p *picture) image() image.Image {
	r := image.Rect(0, 0, p.y.w, p.y.h)
	if p.gray() {
		return &image.Gray{Pix: p.y.pix, Stride: p.y.stride, Rect: r}
	}
	return &image.YCbCr{Y: p.y.pix, Cb: p.cb.pix, Cr: p.cr.pix, YStride: p.y.stride, CStride: p.cb.stride,
		SubsampleRatio: image.YCbCrSubsampleRatio420, Rect: r}
}

// scaled returns p resized to w×h.
func (p *picture) scaled(w, h int) *picture {
	out := &picture{y: resample(p.y, orientUpright, w, h)}
	if !p.gray() {
		cw, ch := chromaDims(w, h)
		out.cb = resample(p.cb, orientUpright, cw, ch)
		out.cr = resample(p.cr, orientUpright, cw, ch)
	}
	return out
}

// decodeJPEG decodes data. The standard decoder returns errors for bad
// input; the recover only guards against a decoder bug turning a hostile
// file into a crashed server.
func decodeJPEG(data []byte) (img image.Image, err error) {
	defer func() {
		if r := recover(); r != nil {
			img, err = nil, fmt.Errorf("jpeg decoder panic: %v", r)
		}
	}()
	return jpeg.Decode(bytes.NewReader(data))
}

// decodeConfig reads the frame header only.
func decodeConfig(data []byte) (cfg image.Config, err error) {
	defer func() {
		if r := recover(); r != nil {
			cfg, err = image.Config{}, fmt.Errorf("jpeg decoder panic: %v", r)
		}
	}()
	return jpeg.DecodeConfig(bytes.NewReader(data))
}

// decodePicture decodes a JPEG whose header was already checked, turns it
// by o and scales it to dw×dh (display dimensions) in one pass per plane.
func decodePicture(data []byte, o orientation, want image.Config, dw, dh int) (*picture, error) {
	img, err := decodeJPEG(data)
	if err != nil {
		return nil, errBroken(err)
	}
	if b := img.Bounds(); b.Dx() != want.Width || b.Dy() != want.Height {
		return nil, errBroken(fmt.Errorf("decoded %v, header said %dx%d", b, want.Width, want.Height))
	}
	cw, ch := chromaDims(dw, dh)
	switch m := img.(type) {
	case *image.Gray:
		if m.Rect.Min != (image.Point{}) {
			break
		}
		return &picture{y: resample(plane{m.Pix, m.Rect.Dx(), m.Rect.Dy(), m.Stride}, o, dw, dh)}, nil
	case *image.YCbCr:
		if m.Rect.Min != (image.Point{}) {
			break
		}
		w, h := m.Rect.Dx(), m.Rect.Dy()
		scw, sch := subsampledDims(m.SubsampleRatio, w, h)
		if scw == 0 {
			break
		}
		p := &picture{y: resample(plane{m.Y, w, h, m.YStride}, o, dw, dh)}
		p.cb = resample(plane{m.Cb, scw, sch, m.CStride}, o, cw, ch)
		p.cr = resample(plane{m.Cr, scw, sch, m.CStride}, o, cw, ch)
		return p, nil
	}
	// CMYK (Adobe) and anything unusual: convert to full-resolution
	// planes first. Rare, and the header check budgets for it.
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	y, cb, cr := newPlane(w, h), newPlane(w, h), newPlane(w, h)
	for j := 0; j < h; j++ {
		for i := 0; i < w; i++ {
			c := color.YCbCrModel.Convert(img.At(b.Min.X+i, b.Min.Y+j)).(color.YCbCr)
			y.pix[j*w+i], cb.pix[j*w+i], cr.pix[j*w+i] = c.Y, c.Cb, c.Cr
		}
	}
	img = nil // let the decoded CMYK copy go before allocating the result
	return &picture{y: resample(y, o, dw, dh), cb: resample(cb, o, cw, ch), cr: resample(cr, o, cw, ch)}, nil
}

// subsampledDims are the chroma plane dimensions of a w×h YCbCr image
// (as image.NewYCbCr lays them out), or 0, 0 for an unknown ratio.
func subsampledDims(r image.YCbCrSubsampleRatio, w, h int) (int, int) {
	switch r {
	case image.YCbCrSubsampleRatio444:
		return w, h
	case image.YCbCrSubsampleRatio422:
		return (w + 1) / 2, h
	case image.YCbCrSubsampleRatio420:
		return (w + 1) / 2, (h + 1) / 2
	case image.YCbCrSubsampleRatio440:
		return w, (h + 1) / 2
	case image.YCbCrSubsampleRatio411:
		return (w + 3) / 4, h
	case image.YCbCrSubsampleRatio410:
		return (w + 3) / 4, (h + 1) / 2
	}
	return 0, 0
}

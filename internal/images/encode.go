package images

import (
	"errors"
	"fmt"
	"image/jpeg"
	"math"
)

// Encoding ladder: first lower the quality a little, then shrink at the
// last quality. Quality 90 keeps print crisp; much below 75 JPEG ringing
// blurs small characters more than a moderate downscale does.
var fitQualities = []int{90, 82, 75}

const (
	shrinkQuality = 75
	maxShrinks    = 8
	minFitSide    = 16 // give up below this; only an absurd budget gets here
)

// sizeCounter keeps the first max bytes written and counts all of them, so
// an encode that overshoots still tells how far it overshot.
type sizeCounter struct {
	buf []byte
	n   int64
	max int64
}

func (c *sizeCounter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	if room := c.max - int64(len(c.buf)); room > 0 {
		c.buf = append(c.buf, p[:min(int64(len(p)), room)]...)
	}
	return len(p), nil
}

// encode writes p as a baseline JPEG without any metadata segment (Go's
// encoder writes none) and reports its full size.
func encode(p *picture, quality int, maxBytes int64) ([]byte, int64, error) {
	c := &sizeCounter{max: maxBytes}
	if err := jpeg.Encode(c, p.image(), &jpeg.Options{Quality: quality}); err != nil {
		return nil, 0, fmt.Errorf("encode jpeg: %w", err)
	}
	return c.buf, c.n, nil
}

// encodeFit encodes p within maxBytes: stepwise lower quality, then
// downscale by what the last size says is needed (bytes grow roughly with
// the pixel count), never more. It returns the bytes and their dimensions.
func encodeFit(p *picture, maxBytes int64) ([]byte, int, int, error) {
	var size int64
	for i, q := range fitQualities {
		if i > 0 && i < len(fitQualities)-1 && size > 2*maxBytes {
			continue // far over: only the last quality is worth measuring
		}
		b, n, err := encode(p, q, maxBytes)
		if err != nil {
			return nil, 0, 0, err
		}
		if n <= maxBytes {
			return b, p.width(), p.height(), nil
		}
		size = n
	}
	w, h := p.width(), p.height()
	for range maxShrinks {
		// 0.9: aim a little under the budget so one step usually suffices.
		f := math.Sqrt(0.9 * float64(maxBytes) / float64(size))
		f = min(f, 0.9) // always make progress
		w, h = max(int(float64(w)*f), 1), max(int(float64(h)*f), 1)
		if max(w, h) < minFitSide {
			break
		}
		small := p.scaled(w, h)
		b, n, err := encode(small, shrinkQuality, maxBytes)
		if err != nil {
			return nil, 0, 0, err
		}
		if n <= maxBytes {
			if n < maxBytes*7/10 {
				// Shrinking smooths fine texture, so bytes fell faster than
				// pixels: one try at a size between, for legibility.
				return refit(p, b, w, h, n, maxBytes)
			}
			return b, w, h, nil
		}
		size = n
	}
	return nil, 0, 0, errors.New("images: cannot fit the picture into the storage budget")
}

// refit tries once to enlarge a fitting copy that used under 70% of the
// budget, keeping the fitting one if the larger does not fit.
func refit(p *picture, b []byte, w, h int, n, maxBytes int64) ([]byte, int, int, error) {
	f := min(math.Sqrt(0.9*float64(maxBytes)/float64(n)), float64(p.width())/float64(w))
	bw, bh := int(float64(w)*f), int(float64(h)*f)
	if bw <= w || bh <= h {
		return b, w, h, nil
	}
	big, bn, err := encode(p.scaled(bw, bh), shrinkQuality, maxBytes)
	if err != nil {
		return nil, 0, 0, err
	}
	if bn <= maxBytes {
		return big, bw, bh, nil
	}
	return b, w, h, nil
}

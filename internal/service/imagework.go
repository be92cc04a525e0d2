package service

import (
	"context"
	"io"
	"runtime"

	"beian/internal/fault"
	"beian/internal/images"
)

// Decoding a picture costs memory in proportion to its pixels (about 3
// bytes a pixel while it is decoded, turned and re-encoded; 130 MB for the
// 40 MP the limits let through). Uploads therefore share a budget of
// pixels: many ordinary photos are processed side by side, the largest
// ones one at a time, and a burst of uploads queues instead of growing the
// heap past what a small server has.
const (
	// imagePixelBudget is the pixels decoded at once across all uploads:
	// one picture at the 40 MP limit, or several phone photos.
	imagePixelBudget = 48_000_000
	// imageMinWeight is what any upload costs, even one refused from its
	// first bytes (its bytes are read into memory too).
	imageMinWeight = 2_000_000
)

// withImageWork runs fn holding weight pixels of the budget. The doors
// hand the service uploads already spooled by the multipart parser (to
// memory or a temporary file), so a slow client never holds the budget
// while it is still sending.
func (s *Service) withImageWork(ctx context.Context, weight int64, fn func() error) error {
	weight = min(max(weight, imageMinWeight), imagePixelBudget)
	if err := s.imageWork.Acquire(ctx, weight); err != nil {
		return fault.Words(fault.Unavailable, fault.CodeUnavailable, "error.unavailable.service_busy_try").Retry(5).Wrap(err)
	}
	big := weight >= imagePixelBudget/4
	if big {
		// Start a big picture from a freshly collected heap: the collector
		// paces itself on the live heap of its last cycle, and a cycle that
		// ran during another big picture would let this one stack its
		// buffers on top of that one's garbage.
		runtime.GC()
	}
	defer func() {
		s.imageWork.Release(weight)
		if big {
			runtime.GC() // its buffers are garbage now; free them before the next
		}
	}()
	return fn()
}

// pixelWeight is the decoding cost an upload's headers claim
// (images.Weight: its pixels, more for a progressive JPEG), read without
// decoding when the upload can be rewound (multipart files can). A header
// the images package will refuse anyway (not a JPEG, beyond the limits)
// weighs the minimum; an upload that cannot be rewound weighs the whole
// budget.
func (s *Service) pixelWeight(r io.Reader) int64 {
	rs, ok := r.(io.ReadSeeker)
	if !ok {
		return imagePixelBudget
	}
	start, err := rs.Seek(0, io.SeekCurrent)
	if err != nil {
		return imagePixelBudget
	}
	w, err := images.Weight(rs)
	if _, serr := rs.Seek(start, io.SeekStart); serr != nil {
		return imagePixelBudget
	}
	if err != nil || w <= 0 || w > int64(s.limits.MaxPixels) {
		return imageMinWeight
	}
	return w
}

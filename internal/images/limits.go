// Package images turns an uploaded file into the JPEG Beian stores: it
// decides from the bytes alone whether the upload is a usable JPEG, applies
// the EXIF orientation, drops every piece of metadata, and fits the stored
// copy into a byte budget. It also merges the two sides of an ID card into
// one image. It knows nothing about HTTP; errors carry the spec's codes.
package images

import "beian/internal/config"

// Limits are the upload rules of config.md. Zero fields take the defaults.
type Limits struct {
	// MaxBytes is the largest upload accepted (10 MiB by default).
	MaxBytes int64
	// StoreMaxBytes is the largest stored copy; bigger ones are re-encoded
	// at lower quality, then downscaled, until they fit (2 MiB by default).
	StoreMaxBytes int64
	// MinWidth and MinHeight are the smallest legible image, judged after the
	// EXIF orientation is applied (600 × 400 by default).
	MinWidth, MinHeight int
	// MaxPixels refuses images whose header claims more pixels, before any
	// pixel memory is allocated (40 megapixels by default).
	MaxPixels int
}

// Defaults of config.md.
const (
	DefaultMaxBytes      = 10 << 20
	DefaultStoreMaxBytes = 2 << 20
	DefaultMinWidth      = 600
	DefaultMinHeight     = 400
	// DefaultMaxPixels leaves room for every phone camera's default output
	// (12–24 MP, 50 MP sensors bin down) while bounding decode memory to
	// about 120 MB in the worst (4:4:4) case.
	DefaultMaxPixels = 40_000_000
)

// DefaultLimits are the limits of config.md.
func DefaultLimits() Limits {
	return Limits{
		MaxBytes:      DefaultMaxBytes,
		StoreMaxBytes: DefaultStoreMaxBytes,
		MinWidth:      DefaultMinWidth,
		MinHeight:     DefaultMinHeight,
		MaxPixels:     DefaultMaxPixels,
	}
}

// LimitsFrom reads the provider settings; unset (zero or negative) values
// keep their defaults.
func LimitsFrom(p config.Provider) Limits {
	l := DefaultLimits()
	if p.AttachmentMaxBytes > 0 {
		l.MaxBytes = p.AttachmentMaxBytes
	}
	if p.AttachmentStoreMaxBytes > 0 {
		l.StoreMaxBytes = p.AttachmentStoreMaxBytes
	}
	if p.AttachmentMinWidth > 0 {
		l.MinWidth = p.AttachmentMinWidth
	}
	if p.AttachmentMinHeight > 0 {
		l.MinHeight = p.AttachmentMinHeight
	}
	return l
}

// withDefaults fills zero fields so a zero Limits value behaves sensibly.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxBytes <= 0 {
		l.MaxBytes = d.MaxBytes
	}
	if l.StoreMaxBytes <= 0 {
		l.StoreMaxBytes = d.StoreMaxBytes
	}
	if l.MinWidth <= 0 {
		l.MinWidth = d.MinWidth
	}
	if l.MinHeight <= 0 {
		l.MinHeight = d.MinHeight
	}
	if l.MaxPixels <= 0 {
		l.MaxPixels = d.MaxPixels
	}
	return l
}

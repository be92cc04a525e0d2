package images

import (
	"bytes"
	"image"
	"io"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// heapPeak samples the live heap while f runs and returns the highest
// value above the heap before f.
func heapPeak(f func()) uint64 {
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > peak.Load() {
				peak.Store(m.HeapAlloc)
			}
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	f()
	close(stop)
	<-done
	if p := peak.Load(); p > base.HeapAlloc {
		return p - base.HeapAlloc
	}
	return 0
}

func TestMemoryStaysBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("builds large test pictures")
	}
	const mb = 1 << 20
	// The largest picture the limits let through: 40 MP, turned by EXIF.
	big := image.NewYCbCr(image.Rect(0, 0, 8000, 5000), image.YCbCrSubsampleRatio420)
	for i := range big.Y {
		big.Y[i] = byte(i / 8000)
	}
	for i := range big.Cb {
		big.Cb[i], big.Cr[i] = 100, 160
	}
	huge := withEXIF(t, encodeJPEG(t, big, 85), 6)
	big = nil
	tooBig := append(encodeJPEG(t, photo(640, 480), 80), make([]byte, 12*mb)...)
	bomb := withSOFSize(t, encodeJPEG(t, photo(16, 16), 50), 30000, 30000)
	normal := encodeJPEG(t, photo(4000, 3000), 90)
	dense := encodeJPEG(t, colorNoise(4000, 3000, 9), 70)

	tests := []struct {
		name  string
		run   func() error
		limit uint64
	}{
		{"12 MB upload", func() error {
			_, err := Process(bytes.NewReader(tooBig), DefaultLimits())
			return ok(err, CodeTooLarge)
		}, 40 * mb},
		{"12 MB upload, size unknown", func() error {
			_, err := Process(io.MultiReader(bytes.NewReader(tooBig)), DefaultLimits())
			return ok(err, CodeTooLarge)
		}, 40 * mb},
		{"30000×30000 bomb", func() error { _, err := Process(bytes.NewReader(bomb), DefaultLimits()); return ok(err, CodeTooLarge) }, 2 * mb},
		{"4000×3000 photo", func() error { _, err := Process(bytes.NewReader(normal), DefaultLimits()); return err }, 80 * mb},
		{"4000×3000 noise, shrunk to fit", func() error { _, err := Process(bytes.NewReader(dense), DefaultLimits()); return err }, 80 * mb},
		{"40 MP turned", func() error { _, err := Process(bytes.NewReader(huge), DefaultLimits()); return err }, 200 * mb},
		{"merge of two 4000×3000", func() error {
			_, err := MergeIDCard(bytes.NewReader(normal), bytes.NewReader(dense), DefaultLimits())
			return err
		}, 100 * mb},
	}
	for _, tt := range tests {
		var err error
		start := time.Now()
		peak := heapPeak(func() { err = tt.run() })
		took := time.Since(start)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
		t.Logf("%-32s heap peak %4d MB, %v", tt.name, peak/mb, took.Round(time.Millisecond))
		if peak > tt.limit {
			t.Errorf("%s: heap peak %d MB > %d MB", tt.name, peak/mb, tt.limit/mb)
		}
	}
}

func ok(err error, code string) error {
	if CodeOf(err) == code {
		return nil
	}
	if err == nil {
		return errUnexpected("accepted")
	}
	return err
}

type errUnexpected string

func (e errUnexpected) Error() string { return string(e) }

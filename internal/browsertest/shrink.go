package browsertest

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"sort"
)

// MaxShotHeight is the tallest picture kept: a page's first 4000 px.
const MaxShotHeight = 4000

// ShrinkPNG re-encodes a screenshot with a 256-colour palette of its most
// frequent colours (no dithering: flat UI colours and text stay crisp), so
// the pictures kept in docs/ stay small.
func ShrinkPNG(in []byte) ([]byte, error) {
	src, err := png.Decode(bytes.NewReader(in))
	if err != nil {
		return nil, err
	}
	b := src.Bounds()
	if b.Dy() > MaxShotHeight { // a long list: its first screens say what it looks like
		b.Max.Y = b.Min.Y + MaxShotHeight
	}
	type bin struct {
		r, g, b, n int
	}
	key := func(c color.RGBA) int { return int(c.R>>3)<<10 | int(c.G>>3)<<5 | int(c.B>>3) }
	bins := map[int]*bin{}
	rgba := func(x, y int) color.RGBA {
		r, g, bb, _ := src.At(x, y).RGBA()
		return color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bb >> 8), 255}
	}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := rgba(x, y)
			k := key(c)
			e := bins[k]
			if e == nil {
				e = &bin{}
				bins[k] = e
			}
			e.r += int(c.R)
			e.g += int(c.G)
			e.b += int(c.B)
			e.n++
		}
	}
	keys := make([]int, 0, len(bins))
	for k := range bins {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return bins[keys[i]].n > bins[keys[j]].n })
	if len(keys) > 256 {
		keys = keys[:256]
	}
	pal := make(color.Palette, 0, len(keys))
	for _, k := range keys {
		e := bins[k]
		pal = append(pal, color.RGBA{uint8(e.r / e.n), uint8(e.g / e.n), uint8(e.b / e.n), 255})
	}
	dst := image.NewPaletted(b, pal)
	cache := map[int]uint8{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := rgba(x, y)
			k := key(c)
			i, ok := cache[k]
			if !ok {
				i = uint8(pal.Index(c))
				cache[k] = i
			}
			dst.SetColorIndex(x, y, i)
		}
	}
	var out bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&out, dst); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

package images

// plane is one 8-bit channel (luma, a chroma component or gray).
type plane struct {
	pix          []byte
	w, h, stride int
}

func newPlane(w, h int) plane { return plane{pix: make([]byte, w*h), w: w, h: h, stride: w} }

// orientedDims are the plane's dimensions once o is applied.
func (p plane) orientedDims(o orientation) (int, int) {
	if o.swaps() {
		return p.h, p.w
	}
	return p.w, p.h
}

// row returns where row j of the oriented plane starts in p.pix and the
// step from one pixel to the next: every EXIF orientation reads a display
// row as a straight line through the stored pixels.
func (p plane) row(o orientation, j int) (base, step int) {
	w, h, s := p.w, p.h, p.stride
	switch o {
	case 2:
		return j*s + w - 1, -1
	case 3:
		return (h-1-j)*s + w - 1, -1
	case 4:
		return (h - 1 - j) * s, 1
	case 5:
		return j, s
	case 6:
		return (h-1)*s + j, -s
	case 7:
		return (h-1)*s + w - 1 - j, -s
	case 8:
		return w - 1 - j, s
	default:
		return j * s, 1
	}
}

// resample returns p turned by o and scaled to dw×dh (display dimensions).
// Scaling averages the source area each target pixel covers, which keeps
// small print legible when shrinking and needs memory for a few rows only.
// (golang.org/x/image/draw's kernels hold a float64×4 buffer of
// target-width × source-height pixels: hundreds of MB for a large photo.)
func resample(p plane, o orientation, dw, dh int) plane {
	ow, oh := p.orientedDims(o)
	if dw == ow && dh == oh {
		if o == orientUpright || o < 1 || o > 8 {
			return p
		}
		out := newPlane(dw, dh)
		for y := 0; y < dh; y++ {
			base, step := p.row(o, y)
			dst := out.pix[y*dw : (y+1)*dw]
			for x := range dst {
				dst[x] = p.pix[base+x*step]
			}
		}
		return out
	}
	xs := areaWeights(ow, dw)
	ys := areaWeights(oh, dh)
	out := newPlane(dw, dh)
	srcRow := make([]byte, ow)
	acc := make([]float32, dw)
	cached := make([]float32, dw)
	cachedJ := -1
	for y := 0; y < dh; y++ {
		clear(acc)
		for _, c := range ys.of(y) {
			if c.j != cachedJ {
				base, step := p.row(o, c.j)
				for x := range srcRow {
					srcRow[x] = p.pix[base+x*step]
				}
				for x := range cached {
					var v float32
					for _, cx := range xs.of(x) {
						v += cx.w * float32(srcRow[cx.j])
					}
					cached[x] = v
				}
				cachedJ = c.j
			}
			for x, v := range cached {
				acc[x] += c.w * v
			}
		}
		dst := out.pix[y*dw : (y+1)*dw]
		for x, v := range acc {
			switch {
			case v <= 0:
				dst[x] = 0
			case v >= 255:
				dst[x] = 255
			default:
				dst[x] = byte(v + 0.5)
			}
		}
	}
	return out
}

// contrib is one source pixel's share in a target pixel.
type contrib struct {
	j int
	w float32
}

// weights lists, per target pixel, the source pixels it covers.
type weights struct {
	start []int // start[i]:start[i+1] indexes all
	all   []contrib
}

func (ws weights) of(i int) []contrib { return ws.all[ws.start[i]:ws.start[i+1]] }

// areaWeights maps n source pixels onto m target pixels: target pixel i
// covers the source interval [i·n/m, (i+1)·n/m), each source pixel weighted
// by the length of its overlap. Enlarging degrades to nearest/linear mixing.
func areaWeights(n, m int) weights {
	ws := weights{start: make([]int, m+1), all: make([]contrib, 0, n+2*m)}
	scale := float64(n) / float64(m)
	for i := 0; i < m; i++ {
		a, b := float64(i)*scale, float64(i+1)*scale
		ws.start[i] = len(ws.all)
		first := ws.start[i]
		var sum float64
		for j := int(a); j < n && float64(j) < b; j++ {
			lo, hi := max(a, float64(j)), min(b, float64(j+1))
			if hi > lo {
				ws.all = append(ws.all, contrib{j: j, w: float32(hi - lo)})
				sum += hi - lo
			}
		}
		if len(ws.all) == first { // cannot happen for n, m > 0; stay safe
			ws.all = append(ws.all, contrib{j: min(int(a), n-1), w: 1})
			sum = 1
		}
		for k := first; k < len(ws.all); k++ {
			ws.all[k].w = float32(float64(ws.all[k].w) / sum)
		}
	}
	ws.start[m] = len(ws.all)
	return ws
}

package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"mime/multipart"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"beian/internal/app"
	"beian/internal/blob"
	"beian/internal/service"
	"beian/internal/storage/storagetest"
	"beian/internal/testkit"
)

// blobBackends are the attachment stores every attachment test runs
// against: local files and an in-process S3 server (gofakes3).
func blobBackends() map[string]func(t testing.TB) blob.Store {
	return map[string]func(t testing.TB) blob.Store{
		"local": func(t testing.TB) blob.Store {
			s, err := blob.Open(context.Background(), "file:"+filepath.Join(t.TempDir(), "blobs"))
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
		"s3": func(t testing.TB) blob.Store {
			srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
			t.Cleanup(srv.Close)
			t.Setenv("AWS_ACCESS_KEY_ID", "beian-test")
			t.Setenv("AWS_SECRET_ACCESS_KEY", "beian-test-secret")
			s, err := blob.Open(context.Background(), "s3://beian-attachments/test?endpoint="+
				strings.TrimPrefix(srv.URL, "http://")+"&region=us-east-1&insecure=1")
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
	}
}

// blobEnv is an API instance over a database and a chosen blob store.
type blobEnv struct {
	*env
	svc   *service.Service
	blobs blob.Store
}

func newBlobEnv(t testing.TB, dbURL string, blobs blob.Store) *blobEnv {
	t.Helper()
	k := testkit.New(t, testkit.DB(dbURL), testkit.With(app.WithBlobs(blobs)))
	e := envOf(t, dbURL, k)
	return &blobEnv{env: e, svc: k.Service, blobs: blobs}
}

// applicant registers, logs in and opens a draft holding the example
// document; it returns the token and the application's API path.
func (e *blobEnv) applicant(email, phone string) (tok, appPath string) {
	t := e.t
	t.Helper()
	reg := map[string]any{"email": email, "phone": phone, "password": "Str0ng-pass!", "name": "赵敏"}
	if a := e.do("POST", "/api/v1/accounts", "", reg); a.status != 201 {
		t.Fatalf("register: %d %s", a.status, a.body)
	}
	login := e.do("POST", "/api/v1/sessions", "", map[string]any{"email": email, "password": "Str0ng-pass!"})
	if login.status != 201 {
		t.Fatalf("login: %d %s", login.status, login.body)
	}
	tok = login.json(t)["token"].(string)
	cr := e.do("POST", "/api/v1/applications", tok, map[string]any{"domain": "example-hz.cn", "cert_type": "business_license", "cert_number": "91330106E3PWQ30LC5"})
	if cr.status != 201 {
		t.Fatalf("create: %d %s", cr.status, cr.body)
	}
	appPath = "/api/v1/applications/" + cr.json(t)["id"].(string)
	if a := e.do("PUT", appPath, tok, exampleDocument(t)); a.status != 200 {
		t.Fatalf("save: %d %s", a.status, a.body)
	}
	return tok, appPath
}

// multipartBody builds a multipart body with fields and named files.
func multipartBody(t testing.TB, fields map[string]string, files map[string][]byte, filename string) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	for name, data := range files {
		fw, err := mw.CreateFormFile(name, filename)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return &buf, mw.FormDataContentType()
}

func (e *env) postFiles(path, token string, fields map[string]string, files map[string][]byte, filename string) answer {
	e.t.Helper()
	body, ct := multipartBody(e.t, fields, files, filename)
	req := httptest.NewRequest("POST", path, body)
	req.Header.Set("Content-Type", ct)
	return e.send(req, token)
}

// heldBack are the held-back files with the answer each must get.
type heldBackFile struct {
	name, filename string
	data           []byte
	status         int
	code           string
}

func heldBackFiles(t testing.TB) []heldBackFile {
	t.Helper()
	var pngBuf bytes.Buffer
	if err := png.Encode(&pngBuf, image.NewRGBA(image.Rect(0, 0, 800, 600))); err != nil {
		t.Fatal(err)
	}
	full := noisyJPEG(t, 1600, 1200, 90)
	return []heldBackFile{
		{"PNG named .jpg", "photo.jpg", pngBuf.Bytes(), 415, "attachment.not_jpeg"},
		{"truncated JPEG", "photo.jpg", full[:len(full)/2], 415, "attachment.not_jpeg"},
		{"empty file", "photo.jpg", nil, 415, "attachment.not_jpeg"},
		{"831-byte JPEG claiming 30000×30000", "bomb.jpg", pixelBomb(t), 413, "attachment.too_large"},
		{"120×80 JPEG", "small.jpg", photo(t, 120, 80), 422, "attachment.too_small"},
		{"12 MB JPEG", "big.jpg", paddedJPEG(t, 12_000_000), 413, "attachment.too_large"},
	}
}

// noisyJPEG is a w×h JPEG that compresses badly (big for its size).
func noisyJPEG(t testing.TB, w, h, quality int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	x := uint32(2463534242)
	for i := range img.Pix {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		img.Pix[i] = byte(x)
		if i%4 == 3 {
			img.Pix[i] = 255
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pixelBomb is an 831-byte JPEG whose frame header claims 30000×30000
// pixels (2.7 GB decoded): a small picture with its SOF0 rewritten, padded
// with a comment segment to exactly 831 bytes.
func pixelBomb(t testing.TB) []byte {
	t.Helper()
	small := photo(t, 16, 16)
	i := bytes.Index(small, []byte{0xFF, 0xC0})
	if i < 0 {
		t.Fatal("no SOF0")
	}
	binary.BigEndian.PutUint16(small[i+5:], 30000)
	binary.BigEndian.PutUint16(small[i+7:], 30000)
	pad := 831 - len(small) - 4
	if pad < 0 {
		t.Fatalf("base picture is %d bytes", len(small))
	}
	com := []byte{0xFF, 0xFE, byte((pad + 2) >> 8), byte(pad + 2)}
	com = append(com, bytes.Repeat([]byte{'x'}, pad)...)
	out := append(append(append([]byte{}, small[:2]...), com...), small[2:]...)
	if len(out) != 831 {
		t.Fatalf("bomb is %d bytes", len(out))
	}
	return out
}

// paddedJPEG is a valid JPEG of about n bytes: a real photo with comment
// segments after SOI (a camera's maker notes look the same to a decoder).
func paddedJPEG(t testing.TB, n int) []byte {
	t.Helper()
	base := photo(t, 1200, 900)
	out := append([]byte{}, base[:2]...)
	for len(out)+len(base) < n {
		seg := min(65533, n-len(out)-len(base))
		if seg < 2 {
			break
		}
		out = append(out, 0xFF, 0xFE, byte((seg+2)>>8), byte(seg+2))
		out = append(out, bytes.Repeat([]byte{0x20}, seg)...)
	}
	return append(out, base[2:]...)
}

// TestHeldBackFiles is the bar through the real router: every
// held-back file gets a 4xx with the spec's code (never a 5xx) from both
// upload endpoints; a normal JPEG is accepted with its width, height and
// the SHA-256 of the original bytes; the ID merge returns one JPEG with
// the front above the back. On local files and on S3.
func TestHeldBackFiles(t *testing.T) {
	for bname, mk := range blobBackends() {
		t.Run(bname, func(t *testing.T) {
			e := newBlobEnv(t, "sqlite:"+filepath.Join(t.TempDir(), "beian.db"), mk(t))
			tok, appPath := e.applicant("bar@example.com", "13900001111")
			good := photo(t, 1600, 1200)
			for _, f := range heldBackFiles(t) {
				t.Run(f.name, func(t *testing.T) {
					a := e.postFiles(appPath+"/attachments", tok, map[string]string{"kind": "subject_certificate"},
						map[string][]byte{"file": f.data}, f.filename)
					if a.status != f.status || a.code(t) != f.code {
						t.Errorf("attachments: %d %s, want %d %s", a.status, a.body, f.status, f.code)
					}
					checkRefusal(t, a)
					for _, side := range []string{"front", "back"} {
						files := map[string][]byte{"front": good, "back": good}
						files[side] = f.data
						a := e.postFiles("/api/v1/id-merge", tok, nil, files, f.filename)
						if a.status != f.status || a.code(t) != f.code {
							t.Errorf("id-merge with a bad %s: %d %s, want %d %s", side, a.status, a.body, f.status, f.code)
						}
						checkRefusal(t, a)
					}
				})
			}
			// Nothing refused was kept.
			if m := e.do("GET", appPath, tok, nil).json(t); len(m["attachments"].([]any)) != 0 {
				t.Fatalf("refused uploads left attachments: %v", m["attachments"])
			}

			t.Run("normal JPEG", func(t *testing.T) {
				a := e.postFiles(appPath+"/attachments", tok, map[string]string{"kind": "subject_certificate"},
					map[string][]byte{"file": good}, "licence.jpg")
				if a.status != 201 {
					t.Fatalf("upload: %d %s", a.status, a.body)
				}
				m := a.json(t)
				sum := sha256.Sum256(good)
				if m["width"] != 1600.0 || m["height"] != 1200.0 || m["sha256"] != hex.EncodeToString(sum[:]) {
					t.Errorf("answer %v; want 1600×1200 and sha256 %x", m, sum)
				}
				got := e.do("GET", appPath+"/attachments/"+m["id"].(string), tok, nil)
				if got.status != 200 || got.header.Get("Content-Type") != "image/jpeg" {
					t.Fatalf("download: %d", got.status)
				}
				cfg, err := jpeg.DecodeConfig(bytes.NewReader(got.body))
				if err != nil || cfg.Width != 1600 || cfg.Height != 1200 {
					t.Errorf("stored copy: %v %v", cfg, err)
				}
			})

			t.Run("ID merge", func(t *testing.T) {
				front, back := solidJPEG(t, 1000, 630, color.RGBA{200, 30, 30, 255}), solidJPEG(t, 900, 570, color.RGBA{30, 30, 200, 255})
				a := e.postFiles("/api/v1/id-merge", tok, nil, map[string][]byte{"front": front, "back": back}, "id.jpg")
				if a.status != 200 || a.header.Get("Content-Type") != "image/jpeg" {
					t.Fatalf("merge: %d %s", a.status, a.body)
				}
				if len(a.body) > 2<<20 {
					t.Errorf("merged JPEG is %d bytes, above the 2 MiB limit", len(a.body))
				}
				img, err := jpeg.Decode(bytes.NewReader(a.body))
				if err != nil {
					t.Fatal(err)
				}
				b := img.Bounds()
				if b.Dx() != 900 || b.Dy() < 570*2 {
					t.Fatalf("merged %v; want 900 wide (the narrower side) and both sides tall", b)
				}
				top, bottom := img.At(b.Dx()/2, b.Dy()/4), img.At(b.Dx()/2, b.Dy()*3/4)
				if r, _, bl, _ := top.RGBA(); r>>8 < 150 || bl>>8 > 90 {
					t.Errorf("top is %v, want the red front", top)
				}
				if r, _, bl, _ := bottom.RGBA(); bl>>8 < 150 || r>>8 > 90 {
					t.Errorf("bottom is %v, want the blue back", bottom)
				}
				// The merged picture is a valid upload in its own right.
				up := e.postFiles(appPath+"/attachments", tok, map[string]string{"kind": "subject_leader_id"},
					map[string][]byte{"file": a.body}, "id.jpg")
				if up.status != 201 {
					t.Errorf("uploading the merged ID: %d %s", up.status, up.body)
				}
			})

			t.Run("missing parts and wrong types", func(t *testing.T) {
				if a := e.postFiles("/api/v1/id-merge", tok, nil, map[string][]byte{"front": good}, "id.jpg"); a.status != 422 {
					t.Errorf("merge without back: %d %s", a.status, a.body)
				}
				if a := e.do("POST", "/api/v1/id-merge", tok, map[string]any{"front": "x"}); a.status != 415 {
					t.Errorf("merge as JSON: %d %s", a.status, a.body)
				}
				if a := e.postFiles("/api/v1/id-merge", "", nil, map[string][]byte{"front": good, "back": good}, "id.jpg"); a.status != 401 {
					t.Errorf("merge without a session: %d", a.status)
				}
				req := httptest.NewRequest("POST", appPath+"/attachments", strings.NewReader("--x\r\nbroken"))
				req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
				if a := e.send(req, tok); a.status != 400 {
					t.Errorf("broken multipart: %d %s", a.status, a.body)
				}
			})
		})
	}
}

// checkRefusal: a 4xx carrying a message (Chinese by default).
func checkRefusal(t *testing.T, a answer) {
	t.Helper()
	if a.status < 400 || a.status >= 500 {
		t.Errorf("status %d, want a 4xx", a.status)
		return
	}
	e, _ := a.json(t)["error"].(map[string]any)
	if msg, _ := e["message"].(string); !strings.ContainsFunc(msg, func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) {
		t.Errorf("no Chinese message: %s", a.body)
	}
}

func solidJPEG(t testing.TB, w, h int, c color.RGBA) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Every attachment test of this file also runs on PostgreSQL when set.
var _ = storagetest.URLs

// TestVerificationFormDate: the verification form carries the date the
// website leader signed it: required, a real date, not after today
// (China Standard Time: at 10:00 CST it is the same date in UTC, so
// "tomorrow" must be refused by date).
func TestVerificationFormDate(t *testing.T) {
	e := newBlobEnv(t, "sqlite:"+filepath.Join(t.TempDir(), "beian.db"), blobBackends()["local"](t))
	tok, appPath := e.applicant("date@example.com", "13900002222")
	jpg := photo(t, 800, 600)
	for _, tc := range []struct {
		signedOn string
		status   int
		code     string
	}{
		{"", 422, "attachment.signed_on.required"},
		{"30/11/2026", 422, "attachment.signed_on.invalid"},
		{"2026-02-30", 422, "attachment.signed_on.invalid"},
		{e.day(1), 422, "attachment.signed_on.future"},
		{e.day(0), 201, ""},
		{e.day(-121), 201, ""},
	} {
		a := e.upload(appPath+"/attachments", tok, map[string]string{"kind": "verification_form", "website": "0", "signed_on": tc.signedOn}, jpg)
		if a.status != tc.status || (tc.code != "" && !hasViolation(a.json(t), "", tc.code, "signed_on")) {
			t.Errorf("signed_on %q: %d %s, want %d %s", tc.signedOn, a.status, a.body, tc.status, tc.code)
		}
		if a.status == 201 && a.json(t)["signed_on"] != tc.signedOn {
			t.Errorf("signed_on %q not kept: %s", tc.signedOn, a.body)
		}
	}
	// Other kinds carry no date.
	if a := e.upload(appPath+"/attachments", tok, map[string]string{"kind": "site_photo", "website": "0", "signed_on": e.day(-29)}, jpg); a.status != 201 || a.json(t)["signed_on"] != nil {
		t.Errorf("site photo with a date: %d %s", a.status, a.body)
	}
}

// FuzzUpload: whatever file, kind and date a client uploads, through either
// endpoint, the answer is never a 5xx, and an accepted file is a stored
// JPEG of at least the minimum size. Each run is an HTTP upload, so
// minimizing a new input takes long: fuzz with a short minimize time,
//
//	go test -run '^$' -fuzz FuzzUpload -fuzztime 1m -fuzzminimizetime 2s ./internal/api
func FuzzUpload(f *testing.F) {
	// Small seeds only: the fuzzer minimizes every new input, which takes
	// minutes for one of hundreds of kilobytes.
	for _, hb := range heldBackFiles(f) {
		if len(hb.data) < 16<<10 {
			f.Add(hb.data, "subject_certificate", "")
		}
	}
	f.Add(solidJPEG(f, 640, 480, color.RGBA{90, 120, 200, 255}), "verification_form", "2026-11-29")
	f.Add(solidJPEG(f, 600, 400, color.RGBA{200, 200, 200, 255}), "site_photo", "2026-13-01")
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xC0, 0, 0x11, 8, 0xFF, 0xFF, 0xFF, 0xFF, 3}, "website_leader_id", "x")
	e := newBlobEnv(f, "sqlite:"+filepath.Join(f.TempDir(), "beian.db"), blobBackends()["local"](f))
	tok, appPath := e.applicant("fuzz-upload@example.com", "13900007777")
	good := photo(f, 640, 480)
	f.Fuzz(func(t *testing.T, file []byte, kind, signedOn string) {
		e.t = t
		a := e.postFiles(appPath+"/attachments", tok, map[string]string{"kind": kind, "website": "0", "signed_on": signedOn},
			map[string][]byte{"file": file}, "x.jpg")
		if a.status >= 500 {
			t.Fatalf("attachments: %d for %d bytes: %s", a.status, len(file), a.body)
		}
		if a.status == 201 {
			if m := a.json(t); m["width"].(float64) < 600 || m["height"].(float64) < 400 {
				t.Fatalf("accepted below the minimum size: %v", m)
			}
		}
		if m := e.postFiles("/api/v1/id-merge", tok, nil, map[string][]byte{"front": file, "back": good}, "x.jpg"); m.status >= 500 {
			t.Fatalf("id-merge: %d for %d bytes: %s", m.status, len(file), m.body)
		} else if m.status == 200 {
			if _, err := jpeg.DecodeConfig(bytes.NewReader(m.body)); err != nil {
				t.Fatalf("id-merge answered 200 with no JPEG: %v", err)
			}
		}
	})
}

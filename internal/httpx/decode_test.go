package httpx

import (
	"bytes"
	"mime/multipart"
	"net/http/httptest"
	"strings"
	"testing"

	"beian/internal/fault"
)

func TestDecodeJSONAnswers(t *testing.T) {
	cases := []struct {
		name, ct, body string
		status         int
	}{
		{"ok", "application/json", `{"a":"北京"}`, 0},
		{"wrong type", "text/plain", `{"a":"x"}`, 415},
		{"malformed", "application/json", `{"a":`, 400},
		{"trailing", "application/json", `{"a":"x"} {}`, 400},
		{"invalid utf-8 in a string", "application/json", "{\"a\":\"\xff北京\"}", 400},
		{"lone surrogate bytes", "application/json", "{\"a\":\"\xed\xa0\x80\"}", 400},
		{"too large", "application/json", `{"a":"` + strings.Repeat("x", MaxJSONBody) + `"}`, 413},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", strings.NewReader(c.body))
			r.Header.Set("Content-Type", c.ct)
			var v map[string]string
			err := DecodeJSON(httptest.NewRecorder(), r, &v)
			if c.status == 0 {
				if err != nil || v["a"] != "北京" {
					t.Fatalf("got %v, %v", v, err)
				}
				return
			}
			if err == nil || Status(fault.As(err)) != c.status {
				t.Fatalf("got %v, want %d", err, c.status)
			}
		})
	}
}

// An upload over the limit is drained, so a client still sending gets the
// 413 answer rather than a reset connection.
func TestParseMultipartDrainsOversizedBody(t *testing.T) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "big.jpg")
	fw.Write(bytes.Repeat([]byte{0xAB}, 3<<20))
	mw.Close()
	body := &countingReader{r: bytes.NewReader(buf.Bytes())}
	r := httptest.NewRequest("POST", "/", body)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	tooLarge, err := ParseMultipart(httptest.NewRecorder(), r, 1<<20)
	if !tooLarge || err == nil {
		t.Fatalf("tooLarge=%v err=%v, want a too-large refusal", tooLarge, err)
	}
	if body.n != int64(buf.Len()) {
		t.Fatalf("read %d of %d bytes; the rest must be drained", body.n, buf.Len())
	}
	ok := httptest.NewRequest("POST", "/", bytes.NewReader(buf.Bytes()))
	ok.Header.Set("Content-Type", mw.FormDataContentType())
	if tooLarge, err := ParseMultipart(httptest.NewRecorder(), ok, 8<<20); tooLarge || err != nil {
		t.Fatalf("a body inside the limit: %v %v", tooLarge, err)
	}
}

type countingReader struct {
	r interface{ Read([]byte) (int, error) }
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

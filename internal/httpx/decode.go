package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"unicode/utf8"
)

// MaxJSONBody is the limit on JSON request bodies (api.md: 413 above it).
const MaxJSONBody = 1 << 20

// DecodeJSON reads a JSON body into v, answering 415 for another content
// type, 413 for a body over MaxJSONBody and 400 for malformed JSON.
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || (mt != "application/json" && !(len(mt) > 5 && mt[len(mt)-5:] == "+json")) {
		return Errorf(http.StatusUnsupportedMediaType, CodeUnsupportedMedia,
			"请求体须为 JSON（Content-Type: application/json）", "the body must be JSON (Content-Type: application/json)")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxJSONBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return TooLarge()
		}
		return BadJSON(err)
	}
	// encoding/json would quietly turn invalid bytes into U+FFFD, and a
	// name of replacement characters would then pass as text.
	if !utf8.Valid(body) {
		return BadJSON(errors.New("the body is not valid UTF-8"))
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return BadJSON(err)
	}
	// Trailing garbage after the document is malformed too.
	if _, err := dec.Token(); err != io.EOF {
		return BadJSON(errors.New("unexpected data after the JSON value"))
	}
	return nil
}

// TooLarge is the 413 answer.
func TooLarge() *Error {
	return Errorf(http.StatusRequestEntityTooLarge, CodePayloadTooLarge, "请求体过大", "request body too large")
}

// BadJSON is the 400 answer for a body that is not the expected JSON.
func BadJSON(err error) *Error {
	e := Errorf(http.StatusBadRequest, CodeBadRequest, "请求体不是有效的 JSON："+err.Error(), "malformed JSON: "+err.Error())
	e.Err = err
	return e
}

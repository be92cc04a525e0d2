package httpx

import (
	"bytes"
	"errors"
	"mime"
	"net/http"
	"unicode/utf8"

	"github.com/go-json-experiment/json"

	"beian/internal/fault"
	"beian/internal/filing"
)

// MaxJSONBody is the limit on JSON request bodies (api.md: 413 above it).
const MaxJSONBody = 1 << 20

// DecodeJSON reads a JSON body into v, answering 415 for another content
// type, 413 for a body over MaxJSONBody and 400 for malformed JSON.
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	body, err := readJSONBody(w, r)
	if err != nil {
		return err
	}
	if err := ParseJSON(body, v); err != nil {
		return BadJSON(err)
	}
	return nil
}

// readJSONBody reads a JSON body of at most MaxJSONBody bytes: 415 for
// another content type, 413 beyond the limit.
func readJSONBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if ct := r.Header.Get("Content-Type"); ct != "application/json" { // the usual header needs no parsing
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !(len(mt) > 5 && mt[len(mt)-5:] == "+json")) {
			return nil, fault.Words(fault.Unsupported, fault.CodeUnsupportedMedia, "error.unsupported_media.body_json_content")
		}
	}
	// Room for the declared length at once (io.ReadAll would grow from
	// 512 bytes, copying each time); the reader still stops at the limit.
	size := bytes.MinRead
	if r.ContentLength > 0 && r.ContentLength <= MaxJSONBody {
		size += int(r.ContentLength)
	}
	buf := bytes.NewBuffer(make([]byte, 0, size))
	_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, MaxJSONBody))
	body := buf.Bytes()
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, TooLarge()
		}
		return nil, BadJSON(err)
	}
	return body, nil
}

// DecodeDocument reads a filing document body with its bounds checked
// while decoding (rules.md "Bounds"): 413 payload_too_large for a list over
// its bound, 422 field.too_long or field.control_character naming the
// field, 400 for null or anything but an object; 415 and 413 as DecodeJSON.
func DecodeDocument(w http.ResponseWriter, r *http.Request, maxWebsites int) (*filing.Document, error) {
	body, err := readJSONBody(w, r)
	if err != nil {
		return nil, err
	}
	doc, err := filing.ParseDocument(body, maxWebsites)
	if err != nil {
		var be *filing.BoundsError
		if errors.As(err, &be) {
			return nil, fault.NewBounds(be.Violations)
		}
		return nil, BadJSON(err)
	}
	return doc, nil
}

// ParseJSON decodes one JSON document, the way every door reads one (the
// API and `beian validate`). encoding/json would quietly turn invalid
// bytes into U+FFFD, and a name of replacement characters would then pass
// as text, so invalid UTF-8 is refused. The encoding/json v2
// implementation decodes in one pass (v1 scans twice: a third of
// validate's time went to decoding); it refuses duplicate names, lone
// surrogates and trailing data. Names match as api.md spells them, or
// case-insensitively as encoding/json did.
func ParseJSON(b []byte, v any) error {
	if !utf8.Valid(b) {
		return errors.New("the body is not valid UTF-8")
	}
	return json.Unmarshal(b, v, json.MatchCaseInsensitiveNames(true))
}

// TooLarge is the refusal of a body over its limit.
func TooLarge() *fault.Error {
	return fault.Words(fault.TooLarge, fault.CodePayloadTooLarge, "error.too_large.request_body_too")
}

// BadJSON is the refusal of a body that is not the expected JSON.
func BadJSON(err error) *fault.Error {
	return fault.Words(fault.BadRequest, fault.CodeBadRequest, "error.bad_request.malformed_json", err.Error()).Wrap(err)
}

// BadForm is the refusal of a form body that cannot be parsed.
func BadForm(err error) *fault.Error {
	return fault.Words(fault.BadRequest, fault.CodeBadRequest, "error.bad_request.malformed_form").Wrap(err)
}

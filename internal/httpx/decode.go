package httpx

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"unicode/utf8"

	"github.com/go-json-experiment/json"

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
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || (mt != "application/json" && !(len(mt) > 5 && mt[len(mt)-5:] == "+json")) {
		return nil, Errorf(http.StatusUnsupportedMediaType, CodeUnsupportedMedia,
			"请求体须为 JSON（Content-Type: application/json）", "the body must be JSON (Content-Type: application/json)")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxJSONBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, TooLarge()
		}
		return nil, BadJSON(err)
	}
	return body, nil
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
		return nil, DocumentError(err)
	}
	return doc, nil
}

// DocumentError is the answer to a document refused by
// filing.ParseDocument or filing.CheckBounds.
func DocumentError(err error) error {
	var be *filing.BoundsError
	if !errors.As(err, &be) {
		return BadJSON(err)
	}
	return BoundsRefusal(be.Violations)
}

// BoundsRefusal is 413 payload_too_large when a list is over its bound,
// else 422 with the rule as code when one rule is broken (field.too_long).
func BoundsRefusal(vs []filing.Violation) *Error {
	if filing.OverBound(vs) {
		e := TooLarge()
		e.Violations = vs
		return e
	}
	e := Invalid(vs)
	if len(vs) > 0 && !slices.ContainsFunc(vs, func(v filing.Violation) bool { return v.Rule != vs[0].Rule }) {
		e.Code = vs[0].Rule
	}
	return e
}

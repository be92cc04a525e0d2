package httpx

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/go-json-experiment/json"

	"beian/internal/fault"
	"beian/internal/filing"
)

// HandlerFunc is an HTTP handler that returns its error instead of writing it.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// ErrorRenderer writes an error; the JSON API and the HTML UI each have one.
type ErrorRenderer func(w http.ResponseWriter, r *http.Request, e *fault.Error)

// Handle adapts a HandlerFunc, sending any error through render.
func Handle(log *slog.Logger, render ErrorRenderer, h HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			// The client went away: nobody reads the answer and it is no
			// server fault worth an error line.
			if r.Context().Err() != nil && errors.Is(err, context.Canceled) {
				log.DebugContext(r.Context(), "request cancelled by the client", "method", r.Method, "path", r.URL.Path)
				return
			}
			e := fault.As(err)
			if e.Ours() {
				log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
			}
			render(w, r, e)
		}
	})
}

// errorBody is the spec's error body.
type errorBody struct {
	Error map[string]any `json:"error"`
}

// RenderJSONError is the API's error renderer.
func RenderJSONError(w http.ResponseWriter, r *http.Request, e *fault.Error) {
	lang := Lang(r)
	obj := map[string]any{"code": e.Code, "message": e.Message.In(lang)}
	if len(e.Violations) > 0 {
		obj["violations"] = filing.Localize(e.Violations, lang)
	}
	for k, v := range e.Extra {
		obj[k] = v
	}
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(e.RetryAfter))
	}
	WriteJSON(w, Status(e), errorBody{Error: obj})
}

// WriteJSON writes v as a JSON answer, with the library that decodes the
// requests (the encoding/json v2 implementation, ParseJSON): an empty
// list is [] and an empty map {}, never null, as the OpenAPI document
// says; map keys in order, so answers are stable.
//
// The answer is encoded into a pooled buffer first and sent with its
// length in one write: encoding straight into the connection sent a page
// of the review queue as chunks, a system call each (a tenth of the page's
// time), and a value that fails to encode is a 500, not half an answer.
func WriteJSON(w http.ResponseWriter, status int, v any) error {
	buf := jsonBuffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxPooledJSON {
			buf.Reset()
			jsonBuffers.Put(buf)
		}
	}()
	if err := json.MarshalWrite(buf, v, json.Deterministic(true)); err != nil {
		return err
	}
	buf.WriteByte('\n')
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// jsonBuffers hold encoded answers; one past maxPooledJSON (an export, a
// long list) is left to the collector rather than kept.
var jsonBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const maxPooledJSON = 64 << 10

// Lang picks "en" or "zh" from the lang cookie, then Accept-Language; Chinese is the default.
func Lang(r *http.Request) string {
	if c, err := r.Cookie("lang"); err == nil && (c.Value == "en" || c.Value == "zh") {
		return c.Value
	}
	al := strings.ToLower(r.Header.Get("Accept-Language"))
	if al == "" {
		return "zh"
	}
	// The first listed language wins; weights are rare enough in practice.
	first := strings.TrimSpace(strings.SplitN(strings.SplitN(al, ",", 2)[0], ";", 2)[0])
	if strings.HasPrefix(first, "en") {
		return "en"
	}
	return "zh"
}

// PageLang is the language of HTML pages: Chinese unless the visitor chose
// English with the switch (the lang cookie). Unlike the API it ignores
// Accept-Language, because a browser's English default is not a choice and
// the product's customers expect the Chinese console.
func PageLang(r *http.Request) string {
	if c, err := r.Cookie("lang"); err == nil && c.Value == "en" {
		return "en"
	}
	return "zh"
}

package api

import (
	"net/http"
	"time"

	"beian/internal/fault"
	"beian/internal/filing"
	"beian/internal/httpx"
	"beian/internal/rules"
)

// validateAnswer is the body of POST /api/v1/validate.
type validateAnswer struct {
	Valid      bool                        `json:"valid"`
	Violations []filing.LocalizedViolation `json:"violations"`
}

// ValidateHandler answers POST /api/v1/validate: every violation of the
// pure rules for the posted filing document; valid means no error. No
// account is needed and nothing is stored. now supplies "today" for a
// document without as_of.
func ValidateHandler(v *rules.Validator, now func() time.Time) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		// One decoding pass with the bounds checked as it goes (413/422
		// before any work). A body of the wrong shape ([], "x", null,
		// {"websites": 5}) is a 400 like malformed JSON.
		doc, err := httpx.DecodeDocument(w, r, v.MaxWebsites())
		if err != nil {
			return err
		}
		today := now()
		if _, err := rules.ParseAsOf(doc.AsOf, today); err != nil {
			return fault.Words(fault.BadRequest, fault.CodeBadRequest, "error.bad_request.yyyy_mm_dd")
		}
		vs := v.ValidateWithinBounds(doc, today) // DecodeDocument held the bounds
		return httpx.WriteJSON(w, http.StatusOK, validateAnswer{
			Valid:      !filing.HasErrors(vs),
			Violations: filing.Localize(vs, httpx.Lang(r)),
		})
	}
}

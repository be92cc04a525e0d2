package filing

import (
	"bytes"
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// BoundsError is a document refused for its bounds while decoding: a list
// over its bound (TooLarge: 413) or texts too long or with control
// characters (422), each named by its field.
type BoundsError struct {
	TooLarge   bool
	Violations []Violation
}

func (e *BoundsError) Error() string {
	if len(e.Violations) == 0 {
		return "filing document out of bounds"
	}
	return e.Violations[0].Rule + " at " + e.Violations[0].Field
}

// ErrNotObject is a body that is JSON but not an object (null, [], "x").
var ErrNotObject = errors.New("the filing document must be a JSON object")

// ParseDocument decodes one filing document, the way every door reads one
// (API, HTML-free `beian validate`), checking the bounds while decoding: a
// list stops at its bound plus one entry, so a body of 349,000 websites
// costs no more than one of eleven. Invalid UTF-8, duplicate names and
// trailing data are refused (Decode's rules); null and non-objects are
// ErrNotObject. A *BoundsError reports the bounds broken.
func ParseDocument(b []byte, maxWebsites int) (*Document, error) {
	// Invalid UTF-8 needs no pass of its own: the decoder refuses it in
	// every string and name (encoding/json would have made it U+FFFD).
	if longestList(b) <= leastListBound(maxWebsites) {
		// No list can break its bound: the library's own decoder, without a
		// hook on every value (a third of validate's decoding time), and
		// the texts checked on the document it built.
		var doc *Document
		if err := json.Unmarshal(b, &doc, json.MatchCaseInsensitiveNames(true)); err != nil {
			return nil, err
		}
		if doc == nil {
			return nil, ErrNotObject
		}
		if vs := CheckBounds(doc, maxWebsites); len(vs) > 0 {
			return nil, &BoundsError{TooLarge: OverBound(vs), Violations: vs}
		}
		return doc, nil
	}
	var texts []Violation
	opts := json.WithUnmarshalers(json.JoinUnmarshalers(
		boundedList[Website](maxWebsites),
		boundedList[PreApproval](maxWebsites),
		boundedList[string](maxWebsites),
		json.UnmarshalFromFunc(func(dec *jsontext.Decoder, v *string) error {
			if dec.PeekKind() != '"' {
				return json.SkipFunc // the default: null leaves it, a number is an error
			}
			tok, err := dec.ReadToken()
			if err != nil {
				return err
			}
			*v = tok.String()
			if !mayBreakTextBounds(*v) {
				return nil // the common case: no path to build
			}
			if vi, ok := TextViolation(docPath(dec.StackPointer()), *v); !ok {
				texts = append(texts, vi)
			}
			return nil
		}),
	))
	var doc *Document
	if err := json.Unmarshal(b, &doc, opts, json.MatchCaseInsensitiveNames(true)); err != nil {
		var be *BoundsError
		if errors.As(err, &be) {
			return nil, be
		}
		return nil, err
	}
	if doc == nil {
		return nil, ErrNotObject
	}
	if len(texts) > 0 {
		return nil, &BoundsError{Violations: texts}
	}
	return doc, nil
}

// leastListBound is the smallest bound any list of a document has.
func leastListBound(maxWebsites int) int {
	return min(MaxContentTypes, MaxLanguages, MaxIPs, MaxPreApprovals, WebsiteBound(maxWebsites))
}

// maxDepth is deeper than any filing document nests (websites[0].access.ips).
const maxDepth = 16

// The bytes longestList acts on; the rest (white space, colons, the inside
// of numbers and literals) it passes over with one table load each.
const (
	passOver   = iota
	quote      // a string begins
	open       // [ or {
	close      // ] or }
	comma      // the next entry
	valueStart // a number, true, false or null begins
)

var listByte = func() (t [256]byte) {
	t['"'] = quote
	t['['], t['{'] = open, open
	t[']'], t['}'] = close, close
	t[','] = comma
	for _, c := range []byte("-0123456789tfn") {
		t[c] = valueStart
	}
	return t
}()

// longestList is the most entries any JSON array in b holds (b is valid
// UTF-8; malformed JSON gives some count and the decoder refuses it). A
// scan of the bytes: strings skipped, commas counted per open array.
func longestList(b []byte) int {
	stack := make([]int, 0, maxDepth) // entries so far of each open container; -1 marks an object
	most := 0
	for i := 0; i < len(b); i++ {
		switch listByte[b[i]] {
		case passOver:
		case quote:
			// To the closing quote: the first quote after an even run of
			// backslashes (IndexByte is vectorised; IndexAny built a set
			// per string, a tenth of validate's decoding).
			for {
				j := bytes.IndexByte(b[i+1:], '"')
				if j < 0 {
					i = len(b)
					break
				}
				i += 1 + j
				k := i - 1
				for b[k] == '\\' {
					k--
				}
				if (i-1-k)%2 == 0 {
					break
				}
			}
			if n := len(stack); n > 0 && stack[n-1] == 0 {
				stack[n-1] = 1
			}
		case open:
			if n := len(stack); n > 0 && stack[n-1] == 0 {
				stack[n-1] = 1
			}
			if len(stack) == maxDepth {
				return math.MaxInt // deeper than any document: the careful decoder refuses it
			}
			entries := 0
			if b[i] == '{' {
				entries = -1
			}
			stack = append(stack, entries)
		case close:
			if n := len(stack); n > 0 {
				most = max(most, stack[n-1])
				stack = stack[:n-1]
			}
		case comma:
			if n := len(stack); n > 0 && stack[n-1] > 0 {
				stack[n-1]++
			}
		case valueStart: // the inside of a number passes here too, harmlessly
			if n := len(stack); n > 0 && stack[n-1] == 0 {
				stack[n-1] = 1
			}
		}
	}
	for _, n := range stack {
		most = max(most, n)
	}
	return most
}

// boundedList decodes a list of T, stopping with a *BoundsError at the
// entry past its bound (ListBound of its path). The path is worked out
// only once a list reaches the smallest bound a list of T can have, so a
// list within every bound costs no path.
func boundedList[T any](maxWebsites int) *json.Unmarshalers {
	least := min(MaxContentTypes, MaxLanguages, MaxIPs, MaxPreApprovals)
	if _, websites := any((*T)(nil)).(*Website); websites {
		least = WebsiteBound(maxWebsites)
	}
	return json.UnmarshalFromFunc(func(dec *jsontext.Decoder, v *[]T) error {
		if dec.PeekKind() != '[' {
			return json.SkipFunc // the default: null is nil, anything else an error
		}
		*v = (*v)[:0]
		if _, err := dec.ReadToken(); err != nil { // '['
			return err
		}
		path, max := "", least
		for i := 0; dec.PeekKind() != ']'; i++ {
			if i == least && path == "" {
				// The last value read is entry i-1; its parent is the list.
				path = docPath(dec.StackPointer().Parent())
				max = ListBound(path, maxWebsites)
			}
			if i == max {
				return &BoundsError{TooLarge: true, Violations: []Violation{ListViolation(path, max)}}
			}
			var x T
			err := json.UnmarshalDecode(dec, &x)
			*v = append(*v, x)
			if err != nil {
				return err
			}
		}
		_, err := dec.ReadToken()
		return err
	})
}

// docPath turns a JSON Pointer (/websites/0/access/ips/3) into the
// document path the rules use (websites[0].access.ips[3]); names are
// lower-cased, as they match case-insensitively.
func docPath(p jsontext.Pointer) string {
	var b strings.Builder
	for tok := range p.Tokens() {
		if _, err := strconv.Atoi(tok); err == nil {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(strings.ToLower(tok))
	}
	return b.String()
}

package filing

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/go-json-experiment/json"
)

// The decoder and CheckBounds agree: what one refuses, the other reports
// with the same rule and field.
func TestBoundsAgree(t *testing.T) {
	cases := []struct {
		name, body, rule, field string
	}{
		{"websites", `{"websites":[` + strings.Repeat(`{},`, 10) + `{}]}`, RuleTooLarge, "websites"},
		{"ips", `{"websites":[{"access":{"ips":[` + strings.Repeat(`"1.1.1.1",`, 32) + `"1.1.1.1"]}}]}`, RuleTooLarge, "websites[0].access.ips"},
		{"content types", `{"websites":[{"content_types":[` + strings.Repeat(`"a",`, 12) + `"a"]}]}`, RuleTooLarge, "websites[0].content_types"},
		{"pre-approvals", `{"websites":[{},{"pre_approvals":[` + strings.Repeat(`{},`, 12) + `{}]}]}`, RuleTooLarge, "websites[1].pre_approvals"},
		{"name", `{"Subject":{"Name":"` + strings.Repeat("名", 101) + `"}}`, RuleTooLong, "subject.name"},
		{"leader email", `{"websites":[{"leader":{"email":"` + strings.Repeat("a", 101) + `"}}]}`, RuleTooLong, "websites[0].leader.email"},
		{"remark", `{"subject":{"remark":"` + strings.Repeat("备", 1001) + `"}}`, RuleTooLong, "subject.remark"},
		{"address", `{"subject":{"cert_address":"` + strings.Repeat("址", 201) + `"}}`, RuleTooLong, "subject.cert_address"},
		{"ip entry", `{"websites":[{"access":{"ips":["1.1.1.1\u0000"]}}]}`, RuleControlCharacter, "websites[0].access.ips[0]"},
		{"C1 control", `{"subject":{"name":"a\u0085b"}}`, RuleControlCharacter, "subject.name"},
		{"DEL", `{"websites":[{"leader":{"mobile":"139\u007f"}}]}`, RuleControlCharacter, "websites[0].leader.mobile"},
		{"languages", `{"websites":[{},{},{"languages":[` + strings.Repeat(`"zh",`, 17) + `"zh"]}]}`, RuleTooLarge, "websites[2].languages"},
		{"pre-approval number", `{"websites":[{"pre_approvals":[{},{"number":"` + strings.Repeat("1", 101) + `"}]}]}`, RuleTooLong, "websites[0].pre_approvals[1].number"},
		{"ips after other lists", `{"websites":[{"content_types":[` + strings.Repeat(`"a",`, 11) + `"a"],"access":{"ips":[` + strings.Repeat(`"1.1.1.1",`, 32) + `"1.1.1.1"]}}]}`, RuleTooLarge, "websites[0].access.ips"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseDocument([]byte(c.body), 10)
			var be *BoundsError
			if !errors.As(err, &be) || be.Violations[0].Rule != c.rule || be.Violations[0].Field != c.field {
				t.Fatalf("ParseDocument: %v", err)
			}
			if be.TooLarge != (c.rule == RuleTooLarge) {
				t.Errorf("TooLarge = %v", be.TooLarge)
			}
			// The same document built without the decoder's bounds.
			var doc Document
			if err := jsonUnbounded([]byte(c.body), &doc); err != nil {
				t.Fatal(err)
			}
			vs := CheckBounds(&doc, 10)
			if len(vs) == 0 || vs[0].Rule != c.rule || vs[0].Field != c.field {
				t.Errorf("CheckBounds = %+v", vs)
			}
		})
	}
	// Within bounds: line breaks in remarks, 100 characters, ten websites,
	// every list at its bound.
	ok := `{"subject":{"name":"` + strings.Repeat("名", 100) + `","remark":"a\nb","investor":"` + strings.Repeat("a", 200) + `"},"websites":[` + strings.Repeat(`{},`, 9) +
		`{"content_types":[` + strings.Repeat(`"a",`, 11) + `"a"],"languages":[` + strings.Repeat(`"zh",`, 16) + `"zh"],"access":{"ips":[` + strings.Repeat(`"1.1.1.1",`, 31) + `"1.1.1.1"]}}]}`
	doc, err := ParseDocument([]byte(ok), 10)
	if err != nil || len(doc.Websites) != 10 || len(doc.Websites[9].Access.IPs) != 32 || len(CheckBounds(doc, 10)) != 0 {
		t.Errorf("within bounds: %v", err)
	}
	if _, err := ParseDocument([]byte(`{"websites":[{},{},{}]}`), 2); err == nil {
		t.Error("a provider maximum under 10 is the bound")
	}
	if _, err := ParseDocument([]byte(`null`), 10); !errors.Is(err, ErrNotObject) {
		t.Errorf("null: %v", err)
	}
}

func jsonUnbounded(b []byte, v any) error {
	return json.Unmarshal(b, v, json.MatchCaseInsensitiveNames(true))
}

// TestBoundsCoverEveryText breaks, one at a time, every text of a
// document (found by reflection, so a field added later is covered) and
// every list, and wants the decoder's fast path, its careful path and
// CheckBounds to name the same field: the fast path trusts CheckBounds.
func TestBoundsCoverEveryText(t *testing.T) {
	var paths []string
	var walk func(path string, ty reflect.Type)
	walk = func(path string, ty reflect.Type) {
		switch ty.Kind() {
		case reflect.String:
			paths = append(paths, path)
		case reflect.Slice:
			walk(path+"[0]", ty.Elem())
		case reflect.Struct:
			for i := range ty.NumField() {
				f := ty.Field(i)
				name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
				p := name
				if path != "" {
					p = path + "." + name
				}
				walk(p, f.Type)
			}
		}
	}
	walk("", reflect.TypeFor[Document]())
	if len(paths) < 40 {
		t.Fatalf("only %d texts found: %v", len(paths), paths)
	}
	for _, path := range paths {
		for _, bad := range []string{strings.Repeat("名", 1001), "a\u0001b"} {
			body := bodyWith(path, bad)
			want := path
			for _, careful := range []bool{false, true} {
				b := body
				if careful {
					// A list over the smallest bound elsewhere sends the
					// decoder down its careful path.
					b = strings.Replace(body, "{", `{"x_pad":[`+strings.Repeat("0,", 40)+`0],`, 1)
				}
				_, err := ParseDocument([]byte(b), 10)
				var be *BoundsError
				if !errors.As(err, &be) || be.Violations[0].Field != want {
					t.Errorf("%s (careful %v): %v", path, careful, err)
				}
			}
		}
	}
}

// bodyWith is a JSON document whose text at path (websites[0].leader.name)
// is v, every list on the way holding one entry.
func bodyWith(path, v string) string {
	var open, closing strings.Builder
	segs := strings.Split(path, ".")
	for i := range segs {
		name, list := strings.CutSuffix(segs[i], "[0]")
		open.WriteString(`{"` + name + `":`)
		if list {
			open.WriteString("[")
		}
		last := segs[len(segs)-1-i] // closings go innermost first
		if strings.HasSuffix(last, "[0]") {
			closing.WriteString("]")
		}
		closing.WriteString("}")
	}
	b, _ := json.Marshal(v)
	return open.String() + string(b) + closing.String()
}

// TestLongestList: the scan that picks the decoder's path counts entries
// of arrays only, and not what strings hold.
func TestLongestList(t *testing.T) {
	for body, want := range map[string]int{
		`{}`:                                  0,
		`{"a":[]}`:                            0,
		`{"a":[1,2,3]}`:                       3,
		`{"a":[{"x":1,"y":2},{}]}`:            2,
		`{"a":["x,y,z",",,\",[,"]}`:           2,
		`{"a":[[1,2,3,4],[5]],"b":{"c":[1]}}`: 4,
		`[true,false,null,"s",{}]`:            5,
		strings.Repeat("[", 40) + "1" + strings.Repeat("]", 40): math.MaxInt,
		`["a\"]`:              1, // malformed (the decoder refuses it): counted, no panic
		`["a\`:                1,
		`{"a":["\\",1]}`:      2,
		`{"a":["\\\"",1]}`:    2, // an escaped backslash, then an escaped quote
		`{"a":["x\\\\",1,2]}`: 3, // two escaped backslashes end the string
	} {
		if got := longestList([]byte(body)); got != want {
			t.Errorf("longestList(%s) = %d, want %d", body, got, want)
		}
	}
}

// TestParseDocumentRefusesInvalidUTF8 on both of the decoder's paths, in a
// value and in a name.
func TestParseDocumentRefusesInvalidUTF8(t *testing.T) {
	long := `"websites":[{"access":{"ips":[` + strings.Repeat(`"1.1.1.1",`, 14) + `"1.1.1.1"]}}],` // past the smallest bound, within its own: the careful path
	for _, body := range []string{"{\"subject\":{\"name\":\"\xff北京\"}}", "{\"subject\":{\"na\xffme\":\"a\"}}",
		"{" + long + "\"subject\":{\"name\":\"\xff\"}}"} {
		if doc, err := ParseDocument([]byte(body), 10); err == nil || doc != nil {
			t.Errorf("%q: accepted", body)
		}
	}
}

// TestLongestListAgreesWithDecoder on random documents of strings full of
// quotes and backslashes: the scan counts what the decoder reads.
func TestLongestListAgreesWithDecoder(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 6))
	pieces := []string{`\`, `"`, `,`, `[`, `]`, `{`, `}`, `a`, `北`}
	var value func(depth int) any
	value = func(depth int) any {
		switch k := rng.IntN(4); {
		case k == 0 && depth < 4:
			list := make([]any, rng.IntN(6))
			for i := range list {
				list[i] = value(depth + 1)
			}
			return list
		case k == 1 && depth < 4:
			obj := map[string]any{}
			for i := range rng.IntN(4) {
				obj[fmt.Sprint("k", i)] = value(depth + 1)
			}
			return obj
		case k == 2:
			return []any{rng.IntN(100) - 50, -1.5e-7, true, false, nil}[rng.IntN(5)]
		default:
			var sb strings.Builder
			for range rng.IntN(8) {
				sb.WriteString(pieces[rng.IntN(len(pieces))])
			}
			return sb.String()
		}
	}
	var longest func(v any) int
	longest = func(v any) int {
		most := 0
		switch v := v.(type) {
		case []any:
			most = len(v)
			for _, e := range v {
				most = max(most, longest(e))
			}
		case map[string]any:
			for _, e := range v {
				most = max(most, longest(e))
			}
		}
		return most
	}
	for range 5000 {
		v := value(0)
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := longestList(b), longest(v); got != want {
			t.Fatalf("longestList(%s) = %d, want %d", b, got, want)
		}
	}
}

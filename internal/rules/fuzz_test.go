package rules

import (
	"encoding/json"
	"strings"
	"testing"

	"beian/internal/examples"
	"beian/internal/filing"
)

// FuzzValidate feeds arbitrary documents to the validator: it must never
// panic, and every violation names a known rule, a field and a message.
func FuzzValidate(f *testing.F) {
	for _, name := range []string{enterprise, individual} {
		b, err := examples.Read(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{`{}`, `{"websites":[{}]}`, `{"subject":{"nature":"individual","leader":{"cert_type":"resident_id","cert_number":"11010519491231002x"}}}`,
		`{"websites":[{"domain":"xn--","homepage_url":"http://","access":{"ips":["::"]}}]}`} {
		f.Add([]byte(s))
	}
	v := newValidator(f)
	codes := map[string]bool{}
	for _, r := range Catalog() {
		codes[r.Code] = true
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var d filing.Document
		if json.Unmarshal(b, &d) != nil {
			return
		}
		// A message may quote the input; only then may it hold a '%'.
		decoded, _ := json.Marshal(d)
		quotesPercent := strings.Contains(string(decoded), "%")
		for _, x := range v.Validate(&d, today) {
			if !codes[x.Rule] || x.Field == "" || x.Message.ZH == "" || x.Message.EN == "" || (!quotesPercent && strings.Contains(x.Message.EN+x.Message.ZH, "%!")) {
				t.Fatalf("bad violation %+v", x)
			}
		}
		Normalize(&d)
	})
}

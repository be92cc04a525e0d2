package bureau

import (
	"testing"

	"beian/internal/icpnumber"
)

// The seed file is operator input: any bytes give a seed or an error, never a panic.
func FuzzParseSeed(f *testing.F) {
	f.Add(demoSeed)
	f.Add([]byte(`{"subjects":[{"number":"京ICP备2019000001号","subject":{"province":"110000","cert_type":"x","cert_number":"1","name":"n"},"websites":[{"number":"京ICP备2019000001号-1","website":{"domain":"a.cn"}}]}]}`))
	f.Add([]byte(`{"domains":[{"domain":"a.cn","expires_on":"2027-02-30"}],"blacklist":["x"]}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseSeed(b)
		if err == nil && s == nil {
			t.Fatal("nil seed without error")
		}
		if err == nil {
			for _, sub := range s.Subjects {
				if !icpnumber.IsSubject(sub.Number) {
					t.Fatalf("accepted subject number %q", sub.Number)
				}
				for _, w := range sub.Websites {
					if n, ok := websiteSerial(sub.Number, w.Number); !ok || n < 1 {
						t.Fatalf("accepted website number %q", w.Number)
					}
				}
			}
		}
	})
}

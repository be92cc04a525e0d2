package notify

import "testing"

// BEIAN_SMTP_URL and BEIAN_SMS_URL are operator input: errors, never panics.
func FuzzSenderURLs(f *testing.F) {
	for _, s := range []string{"smtp://u:p@h:25", "smtps://h", "smtp://h:0", "http://gw/send", "smtp://[::1]:25?from=a@b", "%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if s, err := NewSMTP(raw); err == nil {
			if s.host == "" || s.port <= 0 || s.port > 65535 || s.from == "" {
				t.Fatalf("NewSMTP(%q) = %+v", raw, s)
			}
		}
		if g, err := NewSMSGateway(raw); err == nil && g.URL != raw {
			t.Fatalf("gateway URL changed")
		}
	})
}

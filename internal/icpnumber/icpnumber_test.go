package icpnumber

import (
	"sort"
	"strings"
	"testing"
)

func TestShape(t *testing.T) {
	for _, s := range []string{"京ICP备2026000123号", "蜀ICP备12345678号", "陇ICP备2021003158号"} {
		if !IsSubject(s) {
			t.Errorf("%s refused", s)
		}
	}
	for _, s := range []string{"京ICP备123号", "川ICP备2026000123号", "京ICP证2026000123号", "京ICP备2026000123", "京ICP备2026000123号-1", ""} {
		if IsSubject(s) {
			t.Errorf("%q accepted as a subject number", s)
		}
	}
	if s, n, ok := SubjectOf("沪ICP备2020034567号-12"); !ok || s != "沪ICP备2020034567号" || n != 12 {
		t.Errorf("SubjectOf: %s %d %v", s, n, ok)
	}
	for _, s := range []string{"沪ICP备2020034567号-0", "沪ICP备2020034567号-01", "沪ICP备2020034567号-", "沪ICP备2020034567号-1a", "沪ICP备2020034567号", "x号-1"} {
		if _, _, ok := SubjectOf(s); ok {
			t.Errorf("%q accepted as a website number", s)
		}
	}
	if got := Normalize(" 京ICP备 2026000123号－1 "); got != "京ICP备2026000123号-1" {
		t.Errorf("Normalize: %q", got)
	}
}

func TestCheck(t *testing.T) {
	const sub = "京ICP备2026000123号"
	rules := func(r Recorded) string {
		var out []string
		for _, v := range Check(r) {
			if v.Rule != RuleInvalid || v.Message.ZH == "" || v.Message.EN == "" {
				t.Errorf("violation %+v", v)
			}
			out = append(out, v.Field)
		}
		sort.Strings(out)
		return strings.Join(out, ",")
	}
	tests := []struct {
		name string
		r    Recorded
		want string
	}{
		{"a first filing", Recorded{Subject: sub, Websites: []string{sub + "-1", sub + "-2"}, Abbr: "京", Sites: 2}, ""},
		{"no subject number", Recorded{Websites: []string{sub + "-1"}, Abbr: "京", Sites: 1}, "numbers.subject,numbers.websites[0]"},
		{"malformed", Recorded{Subject: "京ICP备123号", Websites: []string{"京ICP备123号-1"}, Abbr: "京", Sites: 1}, "numbers.subject,numbers.websites[0]"},
		{"another province", Recorded{Subject: "沪ICP备2026000123号", Websites: []string{"沪ICP备2026000123号-1"}, Abbr: "京", Sites: 1}, "numbers.subject"},
		{"website under another subject", Recorded{Subject: sub, Websites: []string{"京ICP备2026000999号-1"}, Abbr: "京", Sites: 1}, "numbers.websites[0]"},
		{"too few website numbers", Recorded{Subject: sub, Websites: []string{sub + "-1"}, Abbr: "京", Sites: 2}, "numbers.websites"},
		{"the same number twice", Recorded{Subject: sub, Websites: []string{sub + "-1", sub + "-1"}, Abbr: "京", Sites: 2}, "numbers.websites[1]"},
		{"a filed subject renumbered", Recorded{Subject: "京ICP备2026000124号", Websites: []string{"京ICP备2026000124号-3"}, Abbr: "京", Sites: 1, KnownSubject: sub}, "numbers.subject"},
		{"a filed website renumbered", Recorded{Subject: sub, Websites: []string{sub + "-2"}, Abbr: "京", Sites: 1, KnownSubject: sub, KnownWebsites: []string{sub + "-1"}}, "numbers.websites[0]"},
		{"a subject cancellation numbers any websites", Recorded{Subject: sub, Websites: []string{sub + "-1", sub + "-4"}, Abbr: "京", KnownSubject: sub}, ""},
	}
	for _, tt := range tests {
		if got := rules(tt.r); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

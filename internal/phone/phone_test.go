package phone

import (
	"strings"
	"testing"
)

func TestMobile(t *testing.T) {
	cases := []struct {
		in       string
		valid    bool
		province string // "" unknown
	}{
		{"13800138000", true, "110000"},
		{"13900139000", true, "310000"},
		{"13805815678", true, "330000"}, // 浙江省宁波市
		{"13802315679", true, "440000"}, // 广东省揭阳市
		{"13802511234", true, "440000"}, // 广东省广州市
		{"13802011234", true, "120000"},
		{"13012345678", true, "500000"},
		{"15012345678", true, "530000"},
		{"14712345678", true, "510000"},
		{"18912345678", true, "320000"},
		{"15171234567", true, "420000"},
		{"13904711234", true, "150000"}, // 内蒙古呼和浩特市
		{"13909911234", true, "650000"}, // 新疆乌鲁木齐市
		{"13907711234", true, "450000"}, // 广西南宁市
		{"13909511234", true, "640000"}, // 宁夏银川市
		{"13908911234", true, "540000"},
		{"13904511234", true, "230000"},
		{"13903511234", true, "140000"},
		{"13905311234", true, "370000"},
		{"19912345678", true, ""}, // geocoded only as 中国
		{"16612345678", true, ""},
		{"17012345678", true, ""},
		{"19212345678", true, ""},
		{"14000000000", false, ""},
		{"12345678901", false, ""},
		{"1380013800", false, ""},
		{"138001380000", false, ""},
		{"13800138000x", false, ""},
		{"+8613800138000", false, ""},
		{"138-0013-8000", false, ""},
		{"010-62345678", false, ""}, // a landline is not a mobile
		{"", false, ""},
	}
	for _, c := range cases {
		if got := IsMobile(c.in); got != c.valid {
			t.Errorf("IsMobile(%q) = %v, want %v", c.in, got, c.valid)
		}
		p, known := MobileProvince(c.in)
		if p != c.province || known != (c.province != "") {
			t.Errorf("MobileProvince(%q) = %q %v, want %q", c.in, p, known, c.province)
		}
	}
}

func TestLandline(t *testing.T) {
	cases := []struct {
		in       string
		valid    bool
		province string
	}{
		{"010-62345678", true, "110000"},
		{"01062345678", true, "110000"},
		{"021-28986102", true, "310000"},
		{"02128986102", true, "310000"},
		{"022-12345678", true, "120000"},
		{"023-12345678", true, "500000"},
		{"024-12345678", true, "210000"},
		{"025-12345678", true, "320000"},
		{"027-12345678", true, "420000"},
		{"028-12345678", true, "510000"},
		{"029-12345678", true, "610000"},
		{"020-12345678", true, "440000"},
		{"0571-87654321", true, "330000"},
		{"057187654321", true, "330000"},
		{"0755-12345678", true, "440000"},
		{"0471-1234567", true, "150000"},
		{"0991-1234567", true, "650000"},
		{"0898-12345678", true, "460000"},
		{"0311-12345678", true, "130000"},
		{"0851-12345678", true, "520000"}, // 贵州省贵阳市、遵义市、安顺市
		{"0351-1234567", true, "140000"},
		{"0931-1234567", true, "620000"},
		{"0451-12345678", true, "230000"},
		{"0531-12345678", true, "370000"},
		{"0371-12345678", true, "410000"},
		{"0891-1234567", true, "540000"},
		{"0951-1234567", true, "640000"},
		{"0971-1234567", true, "630000"},
		{"0871-12345678", true, "530000"},
		{"0771-1234567", true, "450000"},
		{"0731-12345678", true, "430000"},
		{"0791-12345678", true, "360000"},
		{"0591-12345678", true, "350000"},
		{"0551-12345678", true, "340000"},
		{"0431-12345678", true, "220000"},
		{"0571-8765432", false, ""},   // Hangzhou numbers have 8 digits
		{"0755123456789", false, ""},  // too long
		{"4000890365", false, ""},     // service number
		{"010-6234567x", false, ""},   // strict pattern
		{"0571--87654321", false, ""}, // two hyphens
		{"(0571)87654321", false, ""}, // brackets
		{"0571 87654321", false, ""},  // space
		{"13800138000", false, ""},    // a mobile is not a landline
		{"00-1234567890", false, ""},  // hyphen in the wrong place
		{"05718-7654321", false, ""},  // hyphen after a 4-digit area code only
	}
	for _, c := range cases {
		if got := IsLandline(c.in); got != c.valid {
			t.Errorf("IsLandline(%q) = %v, want %v", c.in, got, c.valid)
		}
		p, known := LandlineProvince(c.in)
		if p != c.province || known != (c.province != "") {
			t.Errorf("LandlineProvince(%q) = %q %v, want %q", c.in, p, known, c.province)
		}
	}
}

func TestProvinceOf(t *testing.T) {
	cases := map[string]string{
		"北京市": "110000", "广东省广州市": "440000", "江苏省南京市": "320000", "内蒙古呼和浩特市": "150000",
		"中国": "", "": "", "Hangzhou, Zhejiang": "330000", "Xi'an, Shaanxi": "610000", "Taiyuan, Shanxi": "140000", "China": "",
	}
	for in, want := range cases {
		if got := ProvinceOf(in); got != want {
			t.Errorf("ProvinceOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCacheBounded(t *testing.T) {
	for i := 0; i < cacheSize+10; i++ {
		Lookup("1380013" + strings.Repeat("0", 4-len(itoa(i%10000))) + itoa(i%10000))
		Lookup("0571-8" + strings.Repeat("0", 7-len(itoa(i))) + itoa(i))
	}
	cache.mu.RLock()
	n := len(cache.m)
	cache.mu.RUnlock()
	if n > cacheSize {
		t.Errorf("cache holds %d > %d", n, cacheSize)
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

func BenchmarkLookupCached(b *testing.B) {
	Lookup("13805815678")
	b.ReportAllocs()
	for b.Loop() {
		Lookup("13805815678")
	}
}

func BenchmarkLookupUncached(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		lookup("13805815678")
	}
}

func FuzzLookup(f *testing.F) {
	for _, s := range []string{"13800138000", "13800138000x", "010-62345678", "0571-87654321", "057187654321", "0-1", "1", "", "\x00\x01", "０１０-62345678"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		i := Lookup(s)
		switch i.Kind {
		case Mobile:
			if len(s) != 11 || s[0] != '1' {
				t.Fatalf("mobile %q", s)
			}
		case Landline:
			if s[0] != '0' || len(s) < 10 || len(s) > 13 {
				t.Fatalf("landline %q", s)
			}
		case Invalid:
			if i.Province != "" {
				t.Fatalf("invalid %q with province", s)
			}
		}
		if i.Province != "" && len(i.Province) != 6 {
			t.Fatalf("province %q", i.Province)
		}
	})
}

func TestLookupConcurrent(t *testing.T) {
	done := make(chan bool)
	for g := 0; g < 4; g++ {
		go func(g int) {
			for i := 0; i < 500; i++ {
				if !IsMobile("1380571" + pad(i)) {
					t.Errorf("1380571%s", pad(i))
				}
				LandlineProvince("0571-8" + pad(i) + "123")
			}
			done <- true
		}(g)
	}
	for g := 0; g < 4; g++ {
		<-done
	}
}

func pad(i int) string {
	s := "0000" + itoa(i)
	return s[len(s)-4:]
}

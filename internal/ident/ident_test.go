package ident

import (
	"testing"
	"time"
)

var asOf = time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)

func TestUSCC(t *testing.T) {
	cases := []struct {
		in   string
		want Result
	}{
		{"91350100M000100Y43", OK}, // GB 32100 specimen
		{"91330100799655058B", OK}, // 阿里巴巴（中国）有限公司
		{"91440300708461136T", OK}, // 深圳市腾讯计算机系统有限公司
		{"914403001922038216", OK}, // 华为技术有限公司
		{"91110000802100433B", OK}, // 北京百度网讯科技有限公司
		{"91110108551385082Q", OK}, // 小米科技有限责任公司
		{"91310000MA1FL1MMXL", OK},
		{"91330106E3PWQ30LC5", OK}, // examples/enterprise-first-filing.json
		{"91350100M000100Y44", Checksum},
		{"91440300708461136A", Checksum},
		{"91350100m000100Y43", Format},  // lower case
		{"91350100M000100Y4", Format},   // 17
		{"91350100M000100Y433", Format}, // 19
		{"91350100I000100Y43", Format},  // I not in alphabet
		{"913501O0M000100Y43", Format},  // O in region digits
		{"91A50100M000100Y43", Format},  // letter in region
		{"", Format},
		{"９１350100M000100Y43", Format},
	}
	for _, c := range cases {
		if got := USCC(c.in); got != c.want {
			t.Errorf("USCC(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestUSCCOrReg15(t *testing.T) {
	cases := []struct {
		in   string
		want Result
	}{
		{"91110000802100433B", OK},
		{"110108000000016", OK},
		{"330000000050426", OK},
		{"110108000000017", Checksum},
		{"11010800000001A", Format},
		{"1101080000000", Format},
	}
	for _, c := range cases {
		if got := USCCOrReg15(c.in); got != c.want {
			t.Errorf("USCCOrReg15(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestUSCCOrFree(t *testing.T) {
	cases := []struct {
		in   string
		want Result
	}{
		{"91110000802100433B", OK},
		{"91110000802100433C", Checksum},
		{"91110000802100433b", Format}, // a credit code in lower case
		{"事证第110000001234号", OK},
		{"X", Format},
		{"京社登字第123号", OK},
	}
	for _, c := range cases {
		if got := USCCOrFree(c.in); got != c.want {
			t.Errorf("USCCOrFree(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestOrgCode(t *testing.T) {
	cases := []struct {
		in   string
		want Result
	}{
		{"D2143569-X", OK}, // GB 11714 specimen: Σ=199, 11−1=10 → X
		{"D2143569X", OK},
		{"80210043-3", OK}, // inside 91110000802100433B
		{"19220382-1", OK},
		{"70846113-6", OK},
		{"80210043-4", Checksum},
		{"D2143569-0", Checksum},
		{"d2143569-X", Format},
		{"D2143569-x", Format},
		{"D2143569_X", Format},
		{"D214356-X", Format},
	}
	for _, c := range cases {
		if got := OrgCode(c.in); got != c.want {
			t.Errorf("OrgCode(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestResidentID(t *testing.T) {
	cases := []struct {
		in   string
		want Result
	}{
		{"11010519491231002X", OK}, // GB 11643 specimen
		{"11010519491231002x", LowercaseX},
		{"330106198702143281", OK},
		{"440106199305195715", OK},
		{"110105199001011234", Checksum},
		{"110105194912310021", Checksum},
		{"110105491231002", Format},    // first generation, 15 digits
		{"710105194912310026", Format}, // Taiwan prefix, not mainland
		{"810000199001011234", Format},
		{"000105194912310021", Format},
		{"110105199002300011", Format}, // 30 February
		{"110105203001010011", Format}, // born after as_of
		{"110105189901010011", Format},
		{"11010519491231002Y", Format},
		{"1101051949123100XX", Format},
		{"", Format},
	}
	for _, c := range cases {
		if got := ResidentID(c.in, asOf); got != c.want {
			t.Errorf("ResidentID(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func withCheck(s17 string) string { return s17 + string(IDCheckChar(s17)) }

func TestResidencePermit(t *testing.T) {
	hk := withCheck("81000019900101123")
	mo := withCheck("82000019900101123")
	tw := withCheck("83000019900101123")
	cases := []struct {
		cert, in string
		want     Result
	}{
		{CertHKMacaoResidencePermit, hk, OK},
		{CertHKMacaoResidencePermit, mo, OK},
		{CertHKMacaoResidencePermit, tw, Format},
		{CertTaiwanResidencePermit, tw, OK},
		{CertTaiwanResidencePermit, hk, Format},
		{CertTaiwanResidencePermit, "11010519491231002X", Format},
		{CertHKMacaoResidencePermit, hk[:17] + "0", Checksum},
	}
	if IDCheckChar("81000019900101123") != hk[17] {
		t.Fatal("helper")
	}
	for _, c := range cases {
		want := c.want
		if want == Checksum && c.in[17] == IDCheckChar(c.in[:17]) {
			want = OK
		}
		if got := ResidencePermit(c.cert, c.in, asOf); got != want {
			t.Errorf("ResidencePermit(%s, %q) = %v, want %v", c.cert, c.in, got, want)
		}
	}
}

func TestForeignPermanentResidence(t *testing.T) {
	good := withCheck("93315619850101123")
	cases := []struct {
		in   string
		want Result
	}{
		{good, OK},
		{"USA330075010100", OK}, // 2017-style: 3 letters, 12 digits
		{"usa330075010100", Format},
		{withCheck("13315619850101123"), Format},
		{"9331561985010112", Format},
	}
	for _, c := range cases {
		if got := ForeignPermanentResidence(c.in, asOf); got != c.want {
			t.Errorf("ForeignPermanentResidence(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestPermitsPassportFree(t *testing.T) {
	cases := []struct {
		format, in string
		want       Result
	}{
		{FormatHKMacaoPermit, "H12345678", OK},
		{FormatHKMacaoPermit, "M1234567890", OK},
		{FormatHKMacaoPermit, "C12345678", Format},
		{FormatHKMacaoPermit, "H1234567", Format},
		{FormatHKMacaoPermit, "h12345678", Format},
		{FormatTaiwanPermit, "12345678", OK},
		{FormatTaiwanPermit, "1234567890", OK},
		{FormatTaiwanPermit, "123456789", Format},
		{FormatTaiwanPermit, "T1234567", Format},
		{FormatPassport, "E12345678", OK},
		{FormatPassport, "G1234", OK},
		{FormatPassport, "E1234", OK},
		{FormatPassport, "E123", Format},
		{FormatPassport, "e12345678", Format},
		{FormatPassport, "E1234567890123456X", Format},
		{FormatFree, "京A1", OK},
		{FormatFree, "x", Format},
		{"nonsense", "12345", Format},
	}
	for _, c := range cases {
		if got := Check(c.format, "", c.in, asOf); got != c.want {
			t.Errorf("Check(%s, %q) = %v, want %v", c.format, c.in, got, c.want)
		}
	}
}

func TestBirthDate(t *testing.T) {
	b, ok := BirthDate("11010519491231002X")
	if !ok || b != time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC) {
		t.Errorf("got %v %v", b, ok)
	}
	if _, ok := BirthDate("110105194913310021"); ok {
		t.Error("month 13")
	}
}

func FuzzCheck(f *testing.F) {
	formats := []string{FormatUSCC, FormatUSCCOrReg15, FormatUSCCOrFree, FormatOrgCode, FormatResidentID,
		FormatResidencePermit, FormatForeignPermanentResidence, FormatHKMacaoPermit, FormatTaiwanPermit, FormatPassport, FormatFree}
	for _, s := range []string{"91350100M000100Y43", "D2143569-X", "11010519491231002X", "11010519491231002x", "110108000000016", "H12345678", "", "\xff\xfe", "事证第1号"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, format := range formats {
			r := Check(format, CertTaiwanResidencePermit, s, asOf)
			if r < OK || r > LowercaseX {
				t.Fatalf("%s(%q) = %d", format, s, r)
			}
			// A number that passes its check is never longer than 40 bytes × 4.
			if r == OK && len(s) > 160 {
				t.Fatalf("%s accepted %d bytes", format, len(s))
			}
		}
		if USCC(s) == OK && USCCCheckChar(s[:17]) != s[17] {
			t.Fatal("USCC accepted a wrong check char")
		}
		if ResidentID(s, asOf) == OK {
			if _, ok := BirthDate(s); !ok {
				t.Fatal("resident ID without birth date")
			}
		}
	})
}

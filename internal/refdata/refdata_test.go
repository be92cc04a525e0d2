package refdata

import "testing"

func TestLoad(t *testing.T) {
	d, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if got := len(d.Provinces()); got != 31 {
		t.Errorf("provinces = %d, want 31", got)
	}
	p, ok := d.Province("510000")
	if !ok || p.ICPAbbr != "蜀" || p.ShortName != "四川" || p.BureauReviewDays != 20 {
		t.Errorf("四川 = %+v %v", p, ok)
	}
	short := map[string]string{"150000": "内蒙古", "450000": "广西", "640000": "宁夏", "650000": "新疆", "540000": "西藏", "110000": "北京", "130000": "河北"}
	for code, want := range short {
		if p, _ := d.Province(code); p.ShortName != want {
			t.Errorf("short name of %s = %q, want %q", code, p.ShortName, want)
		}
	}
	if _, ok := d.Province("710000"); ok {
		t.Error("Taiwan is not a filing province")
	}
}

func TestProvinceByName(t *testing.T) {
	d := Default()
	cases := map[string]string{
		"北京市": "110000", "广东省广州市": "440000", "江苏省南京市": "320000", "内蒙古呼和浩特市": "150000",
		"新疆乌鲁木齐市": "650000", "上海": "310000", "陕西省西安市": "610000", "山西省太原市": "140000",
		"广西南宁市": "450000", "重庆市": "500000",
	}
	for s, want := range cases {
		p, ok := d.ProvinceByName(s)
		if !ok || p.Code != want {
			t.Errorf("ProvinceByName(%q) = %s %v, want %s", s, p.Code, ok, want)
		}
	}
	for _, s := range []string{"中国", "", "香港", "Beijing"} {
		if p, ok := d.ProvinceByName(s); ok {
			t.Errorf("ProvinceByName(%q) = %s, want none", s, p.Code)
		}
	}
}

func TestDivisions(t *testing.T) {
	d := Default()
	c, ok := d.Division("330106")
	if !ok || c.Parent != "330100" || c.Level != 3 || c.Name != "西湖区" {
		t.Errorf("330106 = %+v", c)
	}
	if city, _ := d.Division("330100"); city.Parent != "330000" || city.Level != 2 {
		t.Errorf("330100 = %+v", city)
	}
	if !d.HasCounties("330100") {
		t.Error("杭州 has counties")
	}
	if d.HasCounties("441900") {
		t.Error("东莞 has no six-digit counties")
	}
	if len(d.Children("")) != 31 {
		t.Error("31 provinces at the root")
	}
}

func TestLookups(t *testing.T) {
	d := Default()
	if n, ok := d.Nature("enterprise"); !ok || len(n.USCCPrefixes) != 3 || n.IsIndividual() {
		t.Errorf("enterprise = %+v", n)
	}
	if c, ok := d.CertType("business_license"); !ok || c.NumberFormat != "uscc_or_reg15" || !c.AllowedFor("enterprise") || c.AllowedFor("individual") {
		t.Errorf("business_license = %+v", c)
	}
	if len(d.PersonCertTypes()) != 7 {
		t.Errorf("person cert types = %d", len(d.PersonCertTypes()))
	}
	if got := len(d.CertTypesFor("institution")); got != 3 {
		t.Errorf("institution cert types = %d", got)
	}
	if c, ok := d.ContentType("blog"); !ok || !c.IndividualAllowed {
		t.Errorf("blog = %+v", c)
	}
	if c, _ := d.ContentType("other"); c.MIITBit != 8388608 {
		t.Errorf("other bit = %d", c.MIITBit)
	}
	if _, ok := d.Language("zh-Hans"); !ok {
		t.Error("zh-Hans")
	}
	if p, ok := d.PreApprovalCategory("news"); !ok || p.NameKeywords[0] != "新闻" {
		t.Errorf("news = %+v", p)
	}
	if a, ok := d.AccessMethod("cloud"); !ok || a.MIITBit != 16 {
		t.Errorf("cloud = %+v", a)
	}
	for _, tld := range []string{"com", "cn", "中国", "公司", "网络", "top"} {
		if !d.TLDApproved(tld) {
			t.Errorf("%s should be approved", tld)
		}
	}
	for _, tld := range []string{"io", "org", "me", "hk", ""} {
		if d.TLDApproved(tld) {
			t.Errorf("%s should not be approved", tld)
		}
	}
	w := d.IndividualBannedWords("110000")
	if len(w) != len(d.SiteNameWords().IndividualBanned)+11 {
		t.Errorf("banned words for 北京 = %d", len(w))
	}
}

func TestParseTLDList(t *testing.T) {
	list, set := ParseTLDList([]byte("# c\n.COM\n cn # x\n\ncom\n"))
	if len(list) != 2 || !set["com"] || !set["cn"] {
		t.Errorf("got %v", list)
	}
}

// TestValueName: a stored key shows as its name in either language; an
// unknown key and a field without a table show as they are.
func TestValueName(t *testing.T) {
	d, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	// lang, field, stored value → what a reader sees.
	want := map[[3]string]string{
		{"zh", "nature", "enterprise"}:          "企业",
		{"zh", "cert_type", "business_license"}: "营业执照（个人或企业）",
		{"zh", "province", "330000"}:            "浙江省",
		{"en", "province", "150000"}:            "Inner Mongolia",
		{"zh", "cert_valid_until", "long_term"}: "长期",
		{"en", "cert_valid_until", "long_term"}: "No end date",
		{"zh", "nature", "no-such-key"}:         "no-such-key",
		{"zh", "name", "enterprise"}:            "enterprise",
	}
	for in, w := range want {
		if got := d.ValueName(in[0], in[1], in[2]); got != w {
			t.Errorf("ValueName%q = %q, want %q", in, got, w)
		}
	}
	// Every province has its English name and its capital's area code
	// (provinces.json): the English pages and the seeder read them.
	for _, p := range d.Provinces() {
		if p.NameEN == "" || len(p.CapitalAreaCode) < 3 || p.CapitalAreaCode[0] != '0' {
			t.Errorf("province %s: English %q, area code %q", p.Code, p.NameEN, p.CapitalAreaCode)
		}
	}
	for _, field := range []string{"nature", "cert_type", "content_types", "languages", "category", "method"} {
		if len(d.zh[field]) == 0 {
			t.Errorf("no names for %s", field)
		}
		for key, zh := range d.zh[field] {
			if got := d.ValueName("zh", field, key); got != zh || zh == key {
				t.Errorf("%s %s: %q", field, key, got)
			}
		}
	}
}

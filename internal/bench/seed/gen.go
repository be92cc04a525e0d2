// Package seed generates realistic, valid filing data at scale and writes it
// into Beian's database in batched transactions: the input of the load
// benchmarks (docs/benchmarks.md).
//
// Everything is derived from a subject's index, so generation is
// deterministic, parallel and free of collisions: certificate numbers,
// mobiles, domains and ICP numbers are unique by construction, and a
// second run continues after the first (its indexes start where the
// database's records end).
package seed

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"beian/internal/config"
	"beian/internal/filing"
	"beian/internal/ident"
	"beian/internal/phone"
	"beian/internal/refdata"
)

// mobilesPerSubject is how many distinct mobiles a subject may use:
// subject leader, emergency phone, a second website leader, a spare.
const mobilesPerSubject = 4

// prefixesPerProvince bounds the 7-digit mobile prefixes kept per province;
// each gives 10,000 numbers.
const prefixesPerProvince = 64

// county is one leaf division of a province.
type county struct {
	code, cityName, countyName string
}

type province struct {
	refdata.Province
	counties       []county
	mobiles        []string // 7-digit prefixes whose home is this province
	landline       string   // area code whose home is this province, "" when none fits
	landlineDigits int
}

// Generator derives subjects from their index.
type Generator struct {
	ref       *refdata.Data
	provinces []province
	ranges    []netip.Prefix
	locations []string
	methods   []string
	start     time.Time // the earliest approval
	now       time.Time
}

// NewGenerator prepares the tables the generator draws from: the leaf
// divisions of every province, mobile prefixes and landline area codes
// whose home (by libphonenumber's geocoding) is that province, and the
// provider's address ranges and server locations.
func NewGenerator(p config.Provider, now time.Time) (*Generator, error) {
	ref := refdata.Default()
	g := &Generator{ref: ref, locations: p.ServerLocations, methods: p.AccessMethods, now: now,
		start: time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)}
	if len(g.locations) == 0 || len(g.methods) == 0 {
		return nil, errors.New("seed: the provider offers no server location or access method")
	}
	for _, r := range p.IPRanges {
		pfx, err := netip.ParsePrefix(strings.TrimSpace(r))
		if err != nil || !pfx.Addr().Is4() || pfx.Bits() > 24 {
			continue // only IPv4 ranges of at least /24 are drawn from
		}
		g.ranges = append(g.ranges, pfx.Masked())
	}
	if len(g.ranges) == 0 {
		return nil, errors.New("seed: the provider has no IPv4 range of /24 or larger to draw addresses from")
	}
	byCode := map[string]int{}
	for _, pr := range ref.Provinces() {
		pd := province{Province: pr}
		for _, city := range ref.Children(pr.Code) {
			cityName := city.Name
			if cityName == "市辖区" || cityName == "县" {
				cityName = ""
			}
			kids := ref.Children(city.Code)
			if !ref.HasCounties(city.Code) {
				// no counties (or only nine-digit towns, as in 东莞): the city is the leaf
				pd.counties = append(pd.counties, county{code: city.Code, cityName: cityName})
				continue
			}
			for _, k := range kids {
				if k.Name == "市辖区" {
					continue
				}
				pd.counties = append(pd.counties, county{code: k.Code, cityName: cityName, countyName: k.Name})
			}
		}
		if len(pd.counties) == 0 {
			continue
		}
		if ac := pr.CapitalAreaCode; ac != "" {
			for _, digits := range []int{8, 7} {
				if code, ok := phone.LandlineProvince(ac + "-" + landlineLocal(digits, 0)); ok && code == pr.Code {
					pd.landline, pd.landlineDigits = ac, digits
					break
				}
			}
		}
		byCode[pr.Code] = len(g.provinces)
		g.provinces = append(g.provinces, pd)
	}
	// A deterministic walk over the 7-digit prefixes 130xxxx–199xxxx: the
	// same prefixes every run, so later runs never reuse a mobile.
	const span = 700_000
	const stride = 7919 // prime, coprime with span: visits every prefix once
	need := len(g.provinces)
	for k, x := 0, 0; k < span && need > 0; k, x = k+1, (x+stride)%span {
		pfx := strconv.Itoa(1_300_000 + x)
		code, ok := phone.MobileProvince(pfx + "0000")
		if !ok {
			continue
		}
		i, found := byCode[code]
		if !found || len(g.provinces[i].mobiles) >= prefixesPerProvince {
			continue
		}
		if c2, ok := phone.MobileProvince(pfx + "9999"); !ok || c2 != code {
			continue
		}
		g.provinces[i].mobiles = append(g.provinces[i].mobiles, pfx)
		if len(g.provinces[i].mobiles) == prefixesPerProvince {
			need--
		}
	}
	for _, pd := range g.provinces {
		if len(pd.mobiles) == 0 {
			return nil, fmt.Errorf("seed: no mobile prefix geocodes to %s", pd.Name)
		}
	}
	return g, nil
}

// landlineLocal is a local number of 7 or 8 digits starting with 8.
func landlineLocal(digits int, n uint64) string {
	if digits == 7 {
		return fmt.Sprintf("8%06d", n%1_000_000)
	}
	return fmt.Sprintf("8%07d", n%10_000_000)
}

// Provinces is how many provinces subjects are spread over.
func (g *Generator) Provinces() int { return len(g.provinces) }

// Capacity is how many subjects the generator can make before mobiles repeat.
func (g *Generator) Capacity() int {
	least := prefixesPerProvince
	for _, pd := range g.provinces {
		least = min(least, len(pd.mobiles))
	}
	return least * 10_000 / mobilesPerSubject * len(g.provinces)
}

// mix is splitmix64: a cheap, well-spread hash of an index.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Subject is one generated subject with its approved records and, for some,
// an open application.
type Subject struct {
	Index int
	// Doc is the subject with its approved websites (with access).
	Doc            filing.Document
	SubjectNumber  string
	WebsiteNumbers []string
	ApprovedOn     string // YYYY-MM-DD
	ApprovedAt     time.Time
	AccountEmail   string
	AccountPhone   string
	// Open is a new-website application in progress, nil for most subjects.
	Open *OpenApplication
}

// OpenApplication is an application in some open state.
type OpenApplication struct {
	State       string
	Doc         filing.Document
	SubmittedAt time.Time // zero for drafts
	CreatedAt   time.Time
}

// OpenStates are the states open applications cycle through.
var OpenStates = []string{"draft", "initial_review", "initial_rejected", "verification", "material_review",
	"ready_for_bureau", "bureau_sms", "bureau_review", "bureau_rejected"}

// openEvery: one subject in openEvery has an open application.
const openEvery = 10

var (
	surnames = []struct{ zh, py string }{
		{"王", "wang"}, {"李", "li"}, {"张", "zhang"}, {"刘", "liu"}, {"陈", "chen"}, {"杨", "yang"}, {"黄", "huang"},
		{"赵", "zhao"}, {"吴", "wu"}, {"周", "zhou"}, {"徐", "xu"}, {"孙", "sun"}, {"马", "ma"}, {"朱", "zhu"},
		{"胡", "hu"}, {"郭", "guo"}, {"何", "he"}, {"林", "lin"}, {"罗", "luo"}, {"高", "gao"}, {"郑", "zheng"},
		{"梁", "liang"}, {"谢", "xie"}, {"宋", "song"}, {"唐", "tang"}, {"许", "xu"}, {"韩", "han"}, {"冯", "feng"},
		{"邓", "deng"}, {"曹", "cao"}, {"彭", "peng"}, {"曾", "zeng"}, {"肖", "xiao"}, {"田", "tian"}, {"董", "dong"},
		{"潘", "pan"}, {"袁", "yuan"}, {"蔡", "cai"}, {"蒋", "jiang"}, {"余", "yu"}, {"于", "yu"}, {"杜", "du"},
	}
	givens = []struct{ zh, py string }{
		{"伟", "wei"}, {"芳", "fang"}, {"娜", "na"}, {"敏", "min"}, {"静", "jing"}, {"丽", "li"}, {"强", "qiang"},
		{"磊", "lei"}, {"洋", "yang"}, {"艳", "yan"}, {"勇", "yong"}, {"军", "jun"}, {"杰", "jie"}, {"娟", "juan"},
		{"涛", "tao"}, {"明", "ming"}, {"超", "chao"}, {"秀", "xiu"}, {"霞", "xia"}, {"平", "ping"}, {"刚", "gang"},
		{"桂", "gui"}, {"华", "hua"}, {"飞", "fei"}, {"鑫", "xin"}, {"波", "bo"}, {"斌", "bin"}, {"宇", "yu"},
		{"浩", "hao"}, {"凯", "kai"}, {"婷", "ting"}, {"雪", "xue"}, {"琳", "lin"}, {"晨", "chen"}, {"欣", "xin"},
		{"佳", "jia"}, {"俊", "jun"}, {"文", "wen"}, {"博", "bo"}, {"阳", "yang"}, {"思", "si"}, {"悦", "yue"},
	}
	// brands are two-character shop names, with their pinyin for domains.
	brandA = []struct{ zh, py string }{
		{"蓝", "lan"}, {"青", "qing"}, {"星", "xing"}, {"云", "yun"}, {"山", "shan"}, {"海", "hai"}, {"金", "jin"},
		{"银", "yin"}, {"天", "tian"}, {"恒", "heng"}, {"瑞", "rui"}, {"嘉", "jia"}, {"泰", "tai"}, {"鼎", "ding"},
		{"宏", "hong"}, {"远", "yuan"}, {"新", "xin"}, {"博", "bo"}, {"润", "run"}, {"锦", "jin"},
	}
	brandB = []struct{ zh, py string }{
		{"禾", "he"}, {"川", "chuan"}, {"峰", "feng"}, {"林", "lin"}, {"石", "shi"}, {"舟", "zhou"}, {"桥", "qiao"},
		{"帆", "fan"}, {"源", "yuan"}, {"辰", "chen"}, {"川", "chuan"}, {"岭", "ling"}, {"阁", "ge"}, {"途", "tu"},
		{"光", "guang"}, {"景", "jing"}, {"盛", "sheng"}, {"达", "da"}, {"弘", "hong"}, {"翔", "xiang"},
	}
	industries = []string{"科技", "信息技术", "软件", "电子商务", "文化传播", "教育科技", "餐饮管理", "建筑工程", "物流", "生物科技", "环保科技", "设计"}
	orgSites   = []string{"官方网站", "产品介绍", "服务中心", "技术支持", "企业官网", "客户服务"}
	ownSites   = []string{"的旅行日记", "的摄影作品集", "的学习笔记", "的个人随笔"}
	streets    = []string{"人民路", "解放路", "中山路", "建设路", "新华路", "和平路", "文化路", "朝阳路", "滨江路", "科技路"}
	tlds       = []string{"cn", "com", "com.cn", "net", "cn", "com"}
)

func pick[T any](xs []T, h uint64) T { return xs[h%uint64(len(xs))] }

// usccCharset is GB 32100's alphabet (no I, O, S, V, Z).
const usccCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

func base36(n uint64) string { return strconv.FormatUint(n, 36) }

type person struct {
	filing.Person
	py string
}

// makePerson derives a person living in c, born 1960–2000; pidx is unique per person.
func (g *Generator) makePerson(c county, pidx uint64, mobile, email string) person {
	h := mix(pidx ^ 0x5eed)
	s, a, b := pick(surnames, h), pick(givens, h>>8), pick(givens, h>>16)
	name, py := s.zh+a.zh, s.py+a.py
	if h>>24&1 == 0 {
		name, py = name+b.zh, py+b.py
	}
	// A bijection of pidx/1000 onto 40 years of birth dates (7919 is prime,
	// coprime with 14,600), so two persons never share area, date and sequence.
	birth := time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int((pidx/1000)*7919%14_600))
	d17 := c.code + birth.Format("20060102") + fmt.Sprintf("%03d", pidx%1000)
	cert := d17 + string(ident.IDCheckChar(d17))
	from := time.Date(2017+int(h>>32%8), time.Month(1+h>>40%12), 1+int(h>>44%28), 0, 0, 0, 0, time.UTC)
	until := from.AddDate(20, 0, 0).Format(time.DateOnly)
	if g.now.Year()-birth.Year() >= 46 {
		until = filing.LongTerm
	}
	if email == "" {
		email = py
	}
	return person{py: py, Person: filing.Person{Name: name, CertType: "resident_id", CertNumber: cert,
		CertValidFrom: from.Format(time.DateOnly), CertValidUntil: until, Mobile: mobile, Email: email}}
}

// mobile is the k-th mobile of a province.
func (pd *province) mobile(k uint64) string {
	n := len(pd.mobiles)
	return fmt.Sprintf("%s%04d", pd.mobiles[(k/10_000)%uint64(n)], k%10_000)
}

func (g *Generator) officePhone(pd *province, h uint64, fallback string) string {
	if pd.landline == "" {
		return fallback
	}
	return pd.landline + "-" + landlineLocal(pd.landlineDigits, h)
}

func (g *Generator) ip(h uint64) string {
	r := pick(g.ranges, h)
	size := uint64(1) << (32 - r.Bits())
	a := r.Addr().As4()
	base := uint64(a[0])<<24 | uint64(a[1])<<16 | uint64(a[2])<<8 | uint64(a[3])
	v := base + 1 + (h>>8)%(size-2)
	if v&0xff == 0 || v&0xff == 0xff {
		v = v&^0xff | 10
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}).String()
}

// Subject derives the i-th subject. Subjects are spread round-robin over
// the provinces; about 80% are enterprises, 15% individuals, 5% institutions;
// every other subject has two websites.
func (g *Generator) Subject(i int) *Subject {
	ui := uint64(i)
	np := uint64(len(g.provinces))
	pd := &g.provinces[ui%np]
	j := ui / np // index within the province
	h := mix(ui)
	c := pick(pd.counties, h)
	kind := h >> 56 % 20 // 0–15 enterprise, 16–18 individual, 19 institution
	nSites := 1 + int(ui%2)
	site := base36(ui)
	brand := pick(brandA, h>>4).py + pick(brandB, h>>12).py

	domains := make([]string, nSites)
	for w := range domains {
		domains[w] = fmt.Sprintf("%s-%s", brand, site)
		if w > 0 {
			domains[w] += "-" + strconv.Itoa(w+1)
		}
		domains[w] += "." + pick(tlds, h>>20+uint64(w))
	}
	k := j * mobilesPerSubject
	leader := g.makePerson(c, ui*2, pd.mobile(k), "")
	leader.Email = leader.py + "@" + domains[0]
	leader.OfficePhone = g.officePhone(pd, h>>3, pd.mobile(k+3))
	address := pd.Name + c.cityName + c.countyName + pick(streets, h>>28) + strconv.Itoa(1+int(h>>36%300)) + "号"

	sub := filing.Subject{Province: pd.Code, Nature: "enterprise", CertType: "business_license",
		CertAddress: address, MailingAddress: address + strconv.Itoa(101+int(h>>44%20)*100+int(h>>50%8)) + "室",
		EmergencyPhone: pd.mobile(k + 1)}
	sub.City, sub.County = c.code[:4]+"00", c.code
	if c.countyName == "" { // a city without counties: the leaf is the city
		sub.City, sub.County = c.code, ""
	}
	brandZH := pick(brandA, h>>4).zh + pick(brandB, h>>12).zh
	cityShort := strings.TrimSuffix(strings.TrimSuffix(c.cityName, "市"), "地区")
	if cityShort == "" {
		cityShort = pd.ShortName
	}
	// chars 9–17: the subject's index in the USCC alphabet, so codes never repeat.
	org := make([]byte, 9)
	for x, n := 8, ui; x >= 0; x-- {
		org[x] = usccCharset[n%31]
		n /= 31
	}
	switch {
	case kind < 16:
		sub.Name = cityShort + brandZH + pick(industries, h>>40) + "有限公司"
		sub.CertNumber = usccWithCheck("91" + c.code + string(org))
		sub.Investor = sub.Name
	case kind < 19:
		sub.Nature, sub.CertType = "individual", "resident_id"
		sub.Name, sub.CertNumber, sub.Investor = leader.Name, leader.CertNumber, leader.Name
		sub.CertAddress = address
	default:
		sub.Nature, sub.CertType = "institution", "uscc_certificate"
		sub.Name = cityShort + brandZH + "职业技术培训中心"
		sub.CertNumber = usccWithCheck("12" + c.code + string(org))
		sub.Investor = pd.Name + "教育厅"
		if strings.HasSuffix(pd.Name, "市") {
			sub.Investor = pd.Name + "教育委员会"
		}
	}
	sub.Leader = leader.Person
	individual := sub.Nature == "individual"

	mkSite := func(w int, domain string) filing.Website {
		hw := mix(ui<<4 | uint64(w))
		ws := filing.Website{Domain: domain, HomepageURL: "www." + domain, Languages: []string{"zh-Hans"},
			PreApprovals: []filing.PreApproval{}, Leader: leader.Person,
			Access: filing.Access{Method: g.methods[0], IPs: []string{g.ip(hw)}, ServerLocation: pick(g.locations, hw>>5)}}
		if individual {
			ws.Name = leader.Name + pick(ownSites, hw>>9)
			ws.ContentTypes = []string{"blog"}
			ws.Remark = "记录个人生活与学习心得，只有文字和图片，不提供评论、论坛等交互服务"
		} else {
			ws.Name = brandZH + pick(orgSites, hw>>9)
			ws.ContentTypes = []string{"corporate_portal"}
			if hw>>13%3 == 0 {
				ws.Languages = append(ws.Languages, "en")
			}
			if w > 0 || hw>>17%3 == 0 {
				// another person leads this website: own mobile and email
				other := g.makePerson(c, ui*2+1, pd.mobile(k+2), "")
				other.OfficePhone = leader.OfficePhone
				other.Email = other.py + ".web@" + domain
				ws.Leader = other.Person
			}
			if hw>>21%4 == 0 {
				ws.Access.IPs = append(ws.Access.IPs, g.ip(hw>>29))
			}
		}
		return ws
	}
	doc := filing.Document{Flow: filing.FlowFirstFiling, Subject: sub}
	for w, d := range domains {
		doc.Websites = append(doc.Websites, mkSite(w, d))
	}

	year := 2015 + int(j%11)
	approved := time.Date(year, time.Month(1+h>>8%12), 1+int(h>>16%28), 9+int(h>>24%8), int(h>>30%60), 0, 0, time.UTC)
	if approved.After(g.now) {
		approved = g.now.Add(-24 * time.Hour)
	}
	out := &Subject{Index: i, Doc: doc, ApprovedAt: approved, ApprovedOn: approved.Format(time.DateOnly),
		SubjectNumber:  fmt.Sprintf("%sICP备%d%06d号", pd.ICPAbbr, year, 1+j/11),
		AccountPhone:   leader.Mobile,
		AccountEmail:   leader.py + "." + site + "@" + domains[0],
		WebsiteNumbers: make([]string, nSites)}
	for w := range out.WebsiteNumbers {
		out.WebsiteNumbers[w] = fmt.Sprintf("%s-%d", out.SubjectNumber, w+1)
	}
	if ui%openEvery == openEvery/2 {
		// A new website in progress, in one of the open states.
		domain := fmt.Sprintf("%s-%s-new.%s", brand, site, pick(tlds, h>>22))
		app := filing.Document{Flow: filing.FlowNewWebsite, Subject: sub, Websites: []filing.Website{mkSite(9, domain)}}
		state := OpenStates[(ui/openEvery)%uint64(len(OpenStates))]
		created := g.now.Add(-time.Duration(1+h>>33%(30*24)) * time.Hour)
		oa := &OpenApplication{State: state, Doc: app, CreatedAt: created}
		if state != "draft" {
			oa.SubmittedAt = created.Add(time.Duration(1+h>>43%20) * time.Hour)
			if oa.SubmittedAt.After(g.now) {
				oa.SubmittedAt = g.now
			}
		}
		out.Open = oa
	}
	return out
}

func usccWithCheck(s17 string) string { return s17 + string(ident.USCCCheckChar(s17)) }

// Fresh derives a first filing that was never seeded (for the load
// benchmark's creations): the same shapes, from indexes far beyond any
// seeded subject, with a run tag so two runs do not collide.
func (g *Generator) Fresh(tag string, i int) filing.Document {
	d := g.Subject(i).Doc
	for w := range d.Websites {
		label, tld, _ := strings.Cut(d.Websites[w].Domain, ".")
		d.Websites[w].Domain = label + "-" + tag + "." + tld
		d.Websites[w].HomepageURL = "www." + d.Websites[w].Domain
	}
	return d
}

// Package refdata holds the reference tables of spec/data (divisions,
// provinces, natures, certificate types, content types, languages,
// pre-approval categories, access methods, fileable TLDs, site-name words),
// embedded in the binary and parsed once into typed, indexed lookups.
package refdata

import (
	"bufio"
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
)

//go:embed data/*
var files embed.FS

// Organization and Person are the values of a certificate type's For.
const (
	ForOrganization = "organization"
	ForPerson       = "person"
)

// NatureIndividual is the one nature that is a person, not an organization.
const NatureIndividual = "individual"

// Province is a province-level division with the bureau's facts.
type Province struct {
	Code             string // GB/T 2260, e.g. "110000"
	Name             string // full name, e.g. "北京市", "内蒙古自治区"
	ShortName        string // e.g. "北京", "内蒙古", "广西"
	NameEN           string // e.g. "Beijing", "Inner Mongolia"
	ICPAbbr          string // abbreviation in ICP numbers, e.g. "京"
	BureauReviewDays int    // expected bureau review time in working days
	CapitalAreaCode  string // landline area code of its capital, e.g. "010"
}

// Division is one node of the divisions tree: province, city or county.
type Division struct {
	Code   string
	Name   string
	Parent string // empty for provinces
	Level  int    // 1 province, 2 city, 3 county (or town where a city has no counties)
}

// Nature is a subject nature (主办单位性质).
type Nature struct {
	Key          string
	ZH           string
	MIITCode     int
	USCCPrefixes []string
}

// IsIndividual reports whether the nature is a person rather than an organization.
func (n Nature) IsIndividual() bool { return n.Key == NatureIndividual }

// CertType is a certificate type (证件类型).
type CertType struct {
	Key              string
	ZH               string
	For              string // ForOrganization or ForPerson
	NumberFormat     string // see package ident
	Natures          []string
	MIITCode         int            // person types
	MIITCodeByNature map[string]int // organization types
}

// AllowedFor reports whether a subject of this nature may use the type.
func (c CertType) AllowedFor(nature string) bool {
	for _, n := range c.Natures {
		if n == nature {
			return true
		}
	}
	return false
}

// ContentType is a website service content (网站服务内容).
type ContentType struct {
	Key               string
	ZH                string
	MIITBit           int64
	IndividualAllowed bool
}

// Language is a website language.
type Language struct {
	Key      string
	ZH       string
	MIITCode int
}

// PreApprovalCategory is a 前置审批 category.
type PreApprovalCategory struct {
	Key          string
	ZH           string
	MIITBit      int64
	NameKeywords []string
}

// AccessMethod is a way a provider hosts a website (接入方式).
type AccessMethod struct {
	Key     string
	ZH      string
	MIITBit int64
}

// SiteNameWords are the word lists behind the website naming rules.
type SiteNameWords struct {
	National                   []string            // 中国, 中华 …
	IndividualBanned           []string            // national list for individuals
	IndividualBannedByProvince map[string][]string // province code → words
	Sensitive                  []string
}

// Data is the whole set of reference tables.
type Data struct {
	provinces      []Province
	provinceByCode map[string]int
	divisions      map[string]Division
	children       map[string][]Division
	natures        []Nature
	natureByKey    map[string]int
	certTypes      []CertType
	certTypeByKey  map[string]int
	contentTypes   []ContentType
	contentByKey   map[string]int
	languages      []Language
	languageByKey  map[string]int
	preApprovals   []PreApprovalCategory
	preApprovalKey map[string]int
	accessMethods  []AccessMethod
	accessByKey    map[string]int
	tlds           []string
	tldSet         map[string]bool
	words          SiteNameWords
	// zh is the Chinese name of each keyed item by the document field
	// that stores its key (nature, cert_type, content_types, …): ValueName.
	zh map[string]map[string]string
}

// named records key's Chinese name for the document field that stores it.
func (d *Data) named(field, key, zh string) {
	if d.zh == nil {
		d.zh = map[string]map[string]string{}
	}
	if d.zh[field] == nil {
		d.zh[field] = map[string]string{}
	}
	d.zh[field][key] = zh
}

var (
	defaultOnce sync.Once
	defaultData *Data
	defaultErr  error
)

// Default returns the embedded tables, parsed on first use. The embedded
// files are checked by the tests, so an error here is a build defect.
func Default() *Data {
	defaultOnce.Do(func() { defaultData, defaultErr = Load() })
	if defaultErr != nil {
		panic("refdata: embedded data is broken: " + defaultErr.Error())
	}
	return defaultData
}

// Load parses the embedded tables. Prefer Default, which parses once.
func Load() (*Data, error) {
	d := &Data{}
	steps := []struct {
		file string
		fn   func([]byte) error
	}{
		{"provinces.json", d.loadProvinces},
		{"divisions.json", d.loadDivisions},
		{"natures.json", d.loadNatures},
		{"certificate_types.json", d.loadCertTypes},
		{"content_types.json", d.loadContentTypes},
		{"languages.json", d.loadLanguages},
		{"pre_approval_categories.json", d.loadPreApprovals},
		{"access_methods.json", d.loadAccessMethods},
		{"approved_tlds.txt", d.loadTLDs},
		{"site_name_words.json", d.loadWords},
	}
	for _, s := range steps {
		b, err := files.ReadFile("data/" + s.file)
		if err != nil {
			return nil, fmt.Errorf("refdata: %w", err)
		}
		if err := s.fn(b); err != nil {
			return nil, fmt.Errorf("refdata: %s: %w", s.file, err)
		}
	}
	return d, d.check()
}

// shortProvinceName drops the administrative suffix: 北京市 → 北京,
// 广西壮族自治区 → 广西.
func shortProvinceName(full string) string {
	for _, suf := range []string{"壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "特别行政区", "省", "市"} {
		if s, ok := strings.CutSuffix(full, suf); ok && s != "" {
			return s
		}
	}
	return full
}

func (d *Data) loadProvinces(b []byte) error {
	var raw []struct {
		Code     string `json:"code"`
		Name     string `json:"name"`
		NameEN   string `json:"name_en"`
		ICPAbbr  string `json:"icp_abbr"`
		Days     int    `json:"bureau_review_working_days"`
		AreaCode string `json:"capital_area_code"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	d.provinceByCode = make(map[string]int, len(raw))
	for _, r := range raw {
		days := r.Days
		if days <= 0 {
			days = 20 // the legal maximum, for provinces the seed does not list
		}
		d.provinceByCode[r.Code] = len(d.provinces)
		d.provinces = append(d.provinces, Province{Code: r.Code, Name: r.Name, ShortName: shortProvinceName(r.Name),
			NameEN: r.NameEN, ICPAbbr: r.ICPAbbr, BureauReviewDays: days, CapitalAreaCode: r.AreaCode})
	}
	return nil
}

type rawDivision struct {
	Code     string        `json:"code"`
	Name     string        `json:"name"`
	Children []rawDivision `json:"children"`
}

func (d *Data) loadDivisions(b []byte) error {
	var raw []rawDivision
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	d.divisions = make(map[string]Division, 4096)
	d.children = make(map[string][]Division, 512)
	var walk func(parent string, level int, ns []rawDivision)
	walk = func(parent string, level int, ns []rawDivision) {
		for _, n := range ns {
			div := Division{Code: n.Code, Name: n.Name, Parent: parent, Level: level}
			d.divisions[n.Code] = div
			d.children[parent] = append(d.children[parent], div)
			walk(n.Code, level+1, n.Children)
		}
	}
	walk("", 1, raw)
	return nil
}

func (d *Data) loadNatures(b []byte) error {
	var raw []struct {
		Key      string   `json:"key"`
		ZH       string   `json:"zh"`
		MIITCode int      `json:"miit_code"`
		Prefixes []string `json:"uscc_prefixes"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	d.natureByKey = make(map[string]int, len(raw))
	for _, r := range raw {
		d.natureByKey[r.Key] = len(d.natures)
		d.named("nature", r.Key, r.ZH)
		d.natures = append(d.natures, Nature{Key: r.Key, ZH: r.ZH, MIITCode: r.MIITCode, USCCPrefixes: r.Prefixes})
	}
	return nil
}

func (d *Data) loadCertTypes(b []byte) error {
	var raw []struct {
		Key      string         `json:"key"`
		ZH       string         `json:"zh"`
		For      string         `json:"for"`
		Format   string         `json:"number_format"`
		Natures  []string       `json:"natures"`
		MIITCode int            `json:"miit_code"`
		ByNature map[string]int `json:"miit_code_by_nature"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	d.certTypeByKey = make(map[string]int, len(raw))
	for _, r := range raw {
		d.certTypeByKey[r.Key] = len(d.certTypes)
		d.named("cert_type", r.Key, r.ZH)
		d.certTypes = append(d.certTypes, CertType{Key: r.Key, ZH: r.ZH, For: r.For, NumberFormat: r.Format,
			Natures: r.Natures, MIITCode: r.MIITCode, MIITCodeByNature: r.ByNature})
	}
	return nil
}

func (d *Data) loadContentTypes(b []byte) error {
	var raw []struct {
		Key        string `json:"key"`
		ZH         string `json:"zh"`
		Bit        int64  `json:"miit_bit"`
		Individual bool   `json:"individual_allowed"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	d.contentByKey = make(map[string]int, len(raw))
	for _, r := range raw {
		d.contentByKey[r.Key] = len(d.contentTypes)
		d.named("content_types", r.Key, r.ZH)
		d.contentTypes = append(d.contentTypes, ContentType{Key: r.Key, ZH: r.ZH, MIITBit: r.Bit, IndividualAllowed: r.Individual})
	}
	return nil
}

func (d *Data) loadLanguages(b []byte) error {
	var raw []struct {
		Key  string `json:"key"`
		ZH   string `json:"zh"`
		Code int    `json:"miit_code"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	d.languageByKey = make(map[string]int, len(raw))
	for _, r := range raw {
		d.languageByKey[r.Key] = len(d.languages)
		d.named("languages", r.Key, r.ZH)
		d.languages = append(d.languages, Language{Key: r.Key, ZH: r.ZH, MIITCode: r.Code})
	}
	return nil
}

func (d *Data) loadPreApprovals(b []byte) error {
	var raw []struct {
		Key      string   `json:"key"`
		ZH       string   `json:"zh"`
		Bit      int64    `json:"miit_bit"`
		Keywords []string `json:"name_keywords"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	d.preApprovalKey = make(map[string]int, len(raw))
	for _, r := range raw {
		d.preApprovalKey[r.Key] = len(d.preApprovals)
		d.named("category", r.Key, r.ZH)
		d.preApprovals = append(d.preApprovals, PreApprovalCategory{Key: r.Key, ZH: r.ZH, MIITBit: r.Bit, NameKeywords: r.Keywords})
	}
	return nil
}

func (d *Data) loadAccessMethods(b []byte) error {
	var raw []struct {
		Key string `json:"key"`
		ZH  string `json:"zh"`
		Bit int64  `json:"miit_bit"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	d.accessByKey = make(map[string]int, len(raw))
	for _, r := range raw {
		d.accessByKey[r.Key] = len(d.accessMethods)
		d.named("method", r.Key, r.ZH)
		d.accessMethods = append(d.accessMethods, AccessMethod{Key: r.Key, ZH: r.ZH, MIITBit: r.Bit})
	}
	return nil
}

func (d *Data) loadTLDs(b []byte) error {
	d.tlds, d.tldSet = ParseTLDList(b)
	return nil
}

// ParseTLDList reads a TLD allow-list: one label a line, '#' comments,
// leading dots and case ignored.
func ParseTLDList(b []byte) ([]string, map[string]bool) {
	var list []string
	set := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		t := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(line), "."))
		if t == "" || set[t] {
			continue
		}
		set[t] = true
		list = append(list, t)
	}
	return list, set
}

func (d *Data) loadWords(b []byte) error {
	var raw struct {
		National struct {
			Words []string `json:"words"`
		} `json:"national_words"`
		Individual struct {
			National   []string            `json:"national"`
			ByProvince map[string][]string `json:"by_province"`
		} `json:"individual_banned_words"`
		Sensitive struct {
			Words []string `json:"words"`
		} `json:"sensitive_words"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	d.words = SiteNameWords{National: raw.National.Words, IndividualBanned: raw.Individual.National,
		IndividualBannedByProvince: raw.Individual.ByProvince, Sensitive: raw.Sensitive.Words}
	return nil
}

// check verifies the tables agree with each other.
func (d *Data) check() error {
	for _, p := range d.provinces {
		if p.NameEN == "" {
			return fmt.Errorf("refdata: province %s has no English name", p.Code)
		}
		if div, ok := d.divisions[p.Code]; !ok || div.Level != 1 {
			return fmt.Errorf("refdata: province %s missing from divisions", p.Code)
		}
	}
	for _, c := range d.certTypes {
		for _, n := range c.Natures {
			if _, ok := d.natureByKey[n]; !ok {
				return fmt.Errorf("refdata: certificate type %s names unknown nature %s", c.Key, n)
			}
		}
	}
	for code := range d.words.IndividualBannedByProvince {
		if _, ok := d.provinceByCode[code]; !ok {
			return fmt.Errorf("refdata: site_name_words names unknown province %s", code)
		}
	}
	if len(d.tlds) == 0 {
		return fmt.Errorf("refdata: empty TLD list")
	}
	return nil
}

// Provinces lists the provinces in GB/T 2260 order.
func (d *Data) Provinces() []Province { return d.provinces }

// Province looks a province up by its six-digit code.
func (d *Data) Province(code string) (Province, bool) {
	i, ok := d.provinceByCode[code]
	if !ok {
		return Province{}, false
	}
	return d.provinces[i], true
}

// ProvinceByName finds the province whose full or short name s begins
// with (e.g. "浙江省杭州市", "内蒙古呼和浩特市", "上海"); the longest match wins.
func (d *Data) ProvinceByName(s string) (Province, bool) {
	best, bestLen := -1, 0
	for i, p := range d.provinces {
		for _, n := range [2]string{p.Name, p.ShortName} {
			if len(n) > bestLen && strings.HasPrefix(s, n) {
				best, bestLen = i, len(n)
			}
		}
	}
	if best < 0 {
		return Province{}, false
	}
	return d.provinces[best], true
}

// Division looks any division (province, city, county) up by code.
func (d *Data) Division(code string) (Division, bool) {
	div, ok := d.divisions[code]
	return div, ok
}

// Children lists the divisions directly under code ("" for the provinces).
func (d *Data) Children(code string) []Division { return d.children[code] }

// HasCounties reports whether a city is divided into six-digit counties
// (a few cities such as 东莞 list only nine-digit towns).
func (d *Data) HasCounties(city string) bool {
	for _, c := range d.children[city] {
		if len(c.Code) == 6 {
			return true
		}
	}
	return false
}

// Natures lists the subject natures.
func (d *Data) Natures() []Nature { return d.natures }

// Nature looks a nature up by key.
func (d *Data) Nature(key string) (Nature, bool) {
	i, ok := d.natureByKey[key]
	if !ok {
		return Nature{}, false
	}
	return d.natures[i], true
}

// CertTypes lists the certificate types.
func (d *Data) CertTypes() []CertType { return d.certTypes }

// CertType looks a certificate type up by key.
func (d *Data) CertType(key string) (CertType, bool) {
	i, ok := d.certTypeByKey[key]
	if !ok {
		return CertType{}, false
	}
	return d.certTypes[i], true
}

// CertTypesFor lists the certificate types a subject of nature may use.
func (d *Data) CertTypesFor(nature string) []CertType {
	var out []CertType
	for _, c := range d.certTypes {
		if c.AllowedFor(nature) {
			out = append(out, c)
		}
	}
	return out
}

// PersonCertTypes lists the certificate types of persons (leaders).
func (d *Data) PersonCertTypes() []CertType {
	var out []CertType
	for _, c := range d.certTypes {
		if c.For == ForPerson {
			out = append(out, c)
		}
	}
	return out
}

// ContentTypes lists the website content types.
func (d *Data) ContentTypes() []ContentType { return d.contentTypes }

// ContentType looks a content type up by key.
func (d *Data) ContentType(key string) (ContentType, bool) {
	i, ok := d.contentByKey[key]
	if !ok {
		return ContentType{}, false
	}
	return d.contentTypes[i], true
}

// Languages lists the website languages.
func (d *Data) Languages() []Language { return d.languages }

// Language looks a language up by key.
func (d *Data) Language(key string) (Language, bool) {
	i, ok := d.languageByKey[key]
	if !ok {
		return Language{}, false
	}
	return d.languages[i], true
}

// PreApprovalCategories lists the pre-approval categories.
func (d *Data) PreApprovalCategories() []PreApprovalCategory { return d.preApprovals }

// PreApprovalCategory looks a pre-approval category up by key.
func (d *Data) PreApprovalCategory(key string) (PreApprovalCategory, bool) {
	i, ok := d.preApprovalKey[key]
	if !ok {
		return PreApprovalCategory{}, false
	}
	return d.preApprovals[i], true
}

// AccessMethods lists the access methods.
func (d *Data) AccessMethods() []AccessMethod { return d.accessMethods }

// AccessMethod looks an access method up by key.
func (d *Data) AccessMethod(key string) (AccessMethod, bool) {
	i, ok := d.accessByKey[key]
	if !ok {
		return AccessMethod{}, false
	}
	return d.accessMethods[i], true
}

// ApprovedTLDs lists the default fileable TLDs (Unicode form for IDN TLDs).
func (d *Data) ApprovedTLDs() []string { return d.tlds }

// TLDApproved reports whether tld (lower case, Unicode for IDN) is on the default list.
func (d *Data) TLDApproved(tld string) bool { return d.tldSet[tld] }

// SiteNameWords returns the naming word lists.
func (d *Data) SiteNameWords() SiteNameWords { return d.words }

// IndividualBannedWords returns the national list followed by the list of
// the province (which may be empty), sorted longest first within each.
func (d *Data) IndividualBannedWords(province string) []string {
	out := append([]string(nil), d.words.IndividualBanned...)
	out = append(out, d.words.IndividualBannedByProvince[province]...)
	sort.SliceStable(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// Package phone checks mainland Chinese mobile and landline numbers and
// finds their home province. A strict pattern comes first (libphonenumber
// happily parses "13800138000x" and geocodes invalid numbers); then
// libphonenumber's metadata decides validity and its Chinese geocoding gives
// the home province ("浙江省杭州市" → 330000; just "中国" means unknown).
package phone

import (
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"

	"beian/internal/refdata"
)

// Kind is what a number is.
type Kind int

const (
	Invalid Kind = iota
	Mobile
	Landline
)

func (k Kind) String() string {
	switch k {
	case Mobile:
		return "mobile"
	case Landline:
		return "landline"
	}
	return "invalid"
}

// Info is what is known about a number.
type Info struct {
	Kind     Kind
	Province string // six-digit province code; empty when unknown
}

// Valid reports whether the number is a valid mobile or landline.
func (i Info) Valid() bool { return i.Kind != Invalid }

// IsMobile reports whether s is a valid mainland mobile number: 1[3-9] and
// nine more digits, and a mobile by libphonenumber's metadata.
func IsMobile(s string) bool { return Lookup(s).Kind == Mobile }

// MobileProvince returns the home province of a valid mobile; known is false
// for invalid numbers and numbers geocoded only as 中国.
func MobileProvince(s string) (code string, known bool) { return provinceOf(s, Mobile) }

// IsLandline reports whether s is a valid landline: 0, a 2–3 digit area
// code, an optional '-', 7–8 digits, and a fixed line by the metadata.
func IsLandline(s string) bool { return Lookup(s).Kind == Landline }

// LandlineProvince returns the province of a valid landline's area code.
func LandlineProvince(s string) (code string, known bool) { return provinceOf(s, Landline) }

// provinceOf is the province of s when it is a valid number of kind.
func provinceOf(s string, kind Kind) (code string, known bool) {
	i := Lookup(s)
	if i.Kind != kind || i.Province == "" {
		return "", false
	}
	return i.Province, true
}

// Lookup classifies s as a mobile, a landline or neither, with its home
// province. Results are cached (bounded): libphonenumber's pattern matching
// costs several microseconds per number.
func Lookup(s string) Info {
	if len(s) < 10 || len(s) > 13 {
		return Info{}
	}
	cache.mu.RLock()
	info, ok := cache.m[s]
	cache.mu.RUnlock()
	if ok {
		return info
	}
	info = lookup(s)
	cache.mu.Lock()
	if len(cache.m) >= cacheSize {
		clear(cache.m) // crude, but bounded and rare
	}
	cache.m[s] = info
	cache.mu.Unlock()
	return info
}

const cacheSize = 16384

var cache = struct {
	mu sync.RWMutex
	m  map[string]Info
}{m: make(map[string]Info, 256)}

// numberKinds: a strict mainland format, the metadata's types that
// confirm it, and the kind it makes. A number in a kind's format that the
// metadata does not confirm is invalid (it is not tried as another kind).
var numberKinds = []struct {
	strict func(string) (national uint64, ok bool)
	types  []phonenumbers.PhoneNumberType
	kind   Kind
}{
	{strictMobile, []phonenumbers.PhoneNumberType{phonenumbers.MOBILE, phonenumbers.FIXED_LINE_OR_MOBILE}, Mobile},
	{strictLandline, []phonenumbers.PhoneNumberType{phonenumbers.FIXED_LINE, phonenumbers.FIXED_LINE_OR_MOBILE}, Landline},
}

func lookup(s string) Info {
	for _, k := range numberKinds {
		national, ok := k.strict(s)
		if !ok {
			continue
		}
		num := cnNumber(national)
		if slices.Contains(k.types, phonenumbers.GetNumberType(num)) {
			return Info{Kind: k.kind, Province: geocode(num)}
		}
		return Info{}
	}
	return Info{}
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// strictMobile matches ^1[3-9]\d{9}$ and returns the national number.
func strictMobile(s string) (uint64, bool) {
	if len(s) != 11 || s[0] != '1' || s[1] < '3' || s[1] > '9' || !isDigits(s) {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}

// strictLandline matches ^0\d{2,3}-?\d{7,8}$ and returns the national
// number without the trunk prefix 0.
func strictLandline(s string) (uint64, bool) {
	if len(s) < 10 || s[0] != '0' {
		return 0, false
	}
	digits := s
	if i := strings.IndexByte(s, '-'); i >= 0 {
		area, local := s[:i], s[i+1:]
		if len(area) < 3 || len(area) > 4 || len(local) < 7 || len(local) > 8 || !isDigits(area) || !isDigits(local) {
			return 0, false
		}
		digits = area + local
	} else if !isDigits(s) || len(s) > 12 {
		return 0, false
	}
	if len(digits) < 10 || len(digits) > 12 {
		return 0, false
	}
	n, err := strconv.ParseUint(digits[1:], 10, 64)
	return n, err == nil
}

func cnNumber(national uint64) *phonenumbers.PhoneNumber {
	cc := int32(86)
	return &phonenumbers.PhoneNumber{CountryCode: &cc, NationalNumber: &national}
}

// geocode maps libphonenumber's description to a province code; "" when
// only the country is known.
func geocode(num *phonenumbers.PhoneNumber) string {
	desc, err := phonenumbers.GetGeocodingForNumber(num, "zh")
	if err != nil || desc == "" {
		return ""
	}
	return ProvinceOf(desc)
}

// englishNames maps English geocoding (libphonenumber's fallback) to provinces.
var englishNames = []struct{ name, code string }{
	{"Beijing", "110000"}, {"Tianjin", "120000"}, {"Hebei", "130000"}, {"Shanxi", "140000"},
	{"Inner Mongolia", "150000"}, {"Liaoning", "210000"}, {"Jilin", "220000"}, {"Heilongjiang", "230000"},
	{"Shanghai", "310000"}, {"Jiangsu", "320000"}, {"Zhejiang", "330000"}, {"Anhui", "340000"},
	{"Fujian", "350000"}, {"Jiangxi", "360000"}, {"Shandong", "370000"}, {"Henan", "410000"},
	{"Hubei", "420000"}, {"Hunan", "430000"}, {"Guangdong", "440000"}, {"Guangxi", "450000"},
	{"Hainan", "460000"}, {"Chongqing", "500000"}, {"Sichuan", "510000"}, {"Guizhou", "520000"},
	{"Yunnan", "530000"}, {"Tibet", "540000"}, {"Xizang", "540000"}, {"Shaanxi", "610000"},
	{"Gansu", "620000"}, {"Qinghai", "630000"}, {"Ningxia", "640000"}, {"Xinjiang", "650000"},
}

// ProvinceOf maps a geocoding description ("北京市", "广东省广州市",
// "内蒙古呼和浩特市", "Hangzhou, Zhejiang") to a province code; "" for
// "中国"/"China" or anything unrecognised.
func ProvinceOf(desc string) string {
	desc = strings.TrimSpace(desc)
	if p, ok := refdata.Default().ProvinceByName(desc); ok {
		return p.Code
	}
	for _, e := range englishNames {
		if strings.Contains(desc, e.name) {
			return e.code
		}
	}
	return ""
}

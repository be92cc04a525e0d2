package ident

import "time"

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheckChars = "10X98765432"

// mainlandProvinces are the first two digits of mainland province codes.
var mainlandProvinces = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true,
	"21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true,
	"41": true, "42": true, "43": true, "44": true, "45": true, "46": true,
	"50": true, "51": true, "52": true, "53": true, "54": true,
	"61": true, "62": true, "63": true, "64": true, "65": true,
}

// IDCheckChar computes the GB 11643 (ISO 7064 MOD 11-2) check character of
// 17 digits; 0 when they are not 17 digits.
func IDCheckChar(d17 string) byte {
	if len(d17) != 17 || !allDigits(d17) {
		return 0
	}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(d17[i]-'0') * idWeights[i]
	}
	return idCheckChars[sum%11]
}

// BirthDate reads characters 7–14 of an 18-character resident-ID-style
// number as a date; ok is false when they are not a real date.
func BirthDate(number string) (time.Time, bool) {
	if len(number) != 18 || !allDigits(number[6:14]) {
		return time.Time{}, false
	}
	y := atoi(number[6:10])
	m := atoi(number[10:12])
	d := atoi(number[12:14])
	if y < 1900 || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d { // 02-30 rolls over
		return time.Time{}, false
	}
	return t, true
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// dateOnly keeps the calendar date of t as a UTC midnight.
func dateOnly(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// idStyle checks an 18-character GB 11643 number: 17 digits then a digit
// or X, digits 7–14 a real date not after asOf, and the check character.
// Prefix checks are the caller's.
func idStyle(s string, asOf time.Time) Result {
	if len(s) != 18 || !allDigits(s[:17]) {
		return Format
	}
	last := s[17]
	if !isDigit(last) && last != 'X' && last != 'x' {
		return Format
	}
	birth, ok := BirthDate(s)
	if !ok {
		return Format
	}
	if !asOf.IsZero() && birth.After(dateOnly(asOf)) {
		return Format
	}
	if last == 'x' {
		return LowercaseX
	}
	if last != IDCheckChar(s[:17]) {
		return Checksum
	}
	return OK
}

// ResidentID checks a second-generation resident ID (居民身份证): 18
// characters, a mainland province prefix, a real birth date not after asOf
// and the check character. First-generation 15-digit numbers are refused.
func ResidentID(s string, asOf time.Time) Result {
	if len(s) != 18 || !mainlandProvinces[s[:2]] {
		return Format
	}
	return idStyle(s, asOf)
}

// ResidencePermit checks a residence permit for Hong Kong, Macao (810000,
// 820000) or Taiwan (830000) residents; certType chooses which prefixes.
func ResidencePermit(certType, s string, asOf time.Time) Result {
	if len(s) != 18 {
		return Format
	}
	switch p := s[:6]; certType {
	case CertHKMacaoResidencePermit:
		if p != "810000" && p != "820000" {
			return Format
		}
	case CertTaiwanResidencePermit:
		if p != "830000" {
			return Format
		}
	default:
		if p != "810000" && p != "820000" && p != "830000" {
			return Format
		}
	}
	return idStyle(s, asOf)
}

// ForeignPermanentResidence checks a foreigner's permanent residence card:
// the 2023 form of 18 digits starting with 9 with the MOD 11-2 check, or the
// older form of 3 letters and 12 digits.
func ForeignPermanentResidence(s string, asOf time.Time) Result {
	switch len(s) {
	case 18:
		if s[0] != '9' || !allDigits(s[:17]) {
			return Format
		}
		last := s[17]
		if last == 'x' {
			return LowercaseX
		}
		if !isDigit(last) && last != 'X' {
			return Format
		}
		if last != IDCheckChar(s[:17]) {
			return Checksum
		}
		return OK
	case 15:
		for i := 0; i < 3; i++ {
			if s[i] < 'A' || s[i] > 'Z' {
				return Format
			}
		}
		if !allDigits(s[3:]) {
			return Format
		}
		return OK
	}
	return Format
}

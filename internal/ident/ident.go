// Package ident checks identifier numbers against the formats of
// spec/rules.md "Identifier formats": unified social credit codes (GB 32100),
// legacy registration numbers, organization codes (GB 11714), resident IDs
// (GB 11643), residence permits, permits and passports. It only looks at the
// characters: whether a number was really issued is for others to say.
package ident

import (
	"time"
)

// Result is the outcome of a check; rules map it to a violation code.
type Result int

const (
	OK         Result = iota
	Format            // length, alphabet, case or date wrong
	Checksum          // well formed, but the check character is wrong
	LowercaseX        // a resident-ID-style number ending in 'x' (it must be 'X')
)

func (r Result) String() string {
	switch r {
	case OK:
		return "ok"
	case Format:
		return "format"
	case Checksum:
		return "checksum"
	case LowercaseX:
		return "lowercase_x"
	}
	return "unknown"
}

// Number formats (certificate_types.json number_format).
const (
	FormatUSCC                      = "uscc"
	FormatUSCCOrReg15               = "uscc_or_reg15"
	FormatUSCCOrFree                = "uscc_or_free"
	FormatOrgCode                   = "org_code"
	FormatResidentID                = "resident_id"
	FormatResidencePermit           = "residence_permit"
	FormatForeignPermanentResidence = "foreign_permanent_residence"
	FormatHKMacaoPermit             = "hk_macao_permit"
	FormatTaiwanPermit              = "taiwan_permit"
	FormatPassport                  = "passport"
	FormatFree                      = "free"
)

// Certificate type keys whose residence_permit prefixes differ.
const (
	CertHKMacaoResidencePermit = "hk_macao_residence_permit"
	CertTaiwanResidencePermit  = "taiwan_residence_permit"
)

// Check validates number by format. certType matters only for
// residence_permit (which prefixes are allowed); asOf is the date a birth
// date may not be after.
func Check(format, certType, number string, asOf time.Time) Result {
	switch format {
	case FormatUSCC:
		return USCC(number)
	case FormatUSCCOrReg15:
		return USCCOrReg15(number)
	case FormatUSCCOrFree:
		return USCCOrFree(number)
	case FormatOrgCode:
		return OrgCode(number)
	case FormatResidentID:
		return ResidentID(number, asOf)
	case FormatResidencePermit:
		return ResidencePermit(certType, number, asOf)
	case FormatForeignPermanentResidence:
		return ForeignPermanentResidence(number, asOf)
	case FormatHKMacaoPermit:
		return HKMacaoPermit(number)
	case FormatTaiwanPermit:
		return TaiwanPermit(number)
	case FormatPassport:
		return Passport(number)
	case FormatFree:
		return Free(number)
	}
	return Format
}

// HasBirthDate reports whether numbers of the format carry a GB 11643 birth date.
func HasBirthDate(format string) bool {
	return format == FormatResidentID || format == FormatResidencePermit
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// runeCount counts characters without allocating.
func runeCount(s string) int {
	n := 0
	for range s {
		n++
	}
	return n
}

// Free is 2 to 40 characters.
func Free(s string) Result {
	if n := runeCount(s); n < 2 || n > 40 {
		return Format
	}
	return OK
}

// Passport is 5 to 17 characters A-Z 0-9.
func Passport(s string) Result {
	if len(s) < 5 || len(s) > 17 {
		return Format
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isDigit(c) && (c < 'A' || c > 'Z') {
			return Format
		}
	}
	return OK
}

// HKMacaoPermit is H or M followed by 8 or 10 digits.
func HKMacaoPermit(s string) Result {
	if len(s) != 9 && len(s) != 11 {
		return Format
	}
	if (s[0] != 'H' && s[0] != 'M') || !allDigits(s[1:]) {
		return Format
	}
	return OK
}

// TaiwanPermit is 8 or 10 digits.
func TaiwanPermit(s string) Result {
	if (len(s) != 8 && len(s) != 10) || !allDigits(s) {
		return Format
	}
	return OK
}

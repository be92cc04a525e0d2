package ident

import "strings"

// usccCharset is GB 32100's alphabet: digits and capitals without I O S V Z.
// A character's value is its index.
const usccCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

func usccValue(c byte) int { return strings.IndexByte(usccCharset, c) }

// USCC checks a unified social credit code (GB 32100): 18 characters of the
// alphabet, characters 3–8 (the registering region) digits, and the check
// character.
func USCC(s string) Result {
	if len(s) != 18 {
		return Format
	}
	for i := 0; i < 18; i++ {
		if usccValue(s[i]) < 0 || (i >= 2 && i < 8 && !isDigit(s[i])) {
			return Format
		}
	}
	if s[17] != USCCCheckChar(s[:17]) {
		return Checksum
	}
	return OK
}

// USCCCheckChar computes the 18th character of a credit code from the first
// 17 (which must be in the alphabet; otherwise it returns 0).
func USCCCheckChar(s17 string) byte {
	if len(s17) != 17 {
		return 0
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := usccValue(s17[i])
		if v < 0 {
			return 0
		}
		sum += v * usccWeights[i]
	}
	return usccCharset[(31-sum%31)%31]
}

// IsUSCCShaped reports whether s is 18 characters of the credit-code
// alphabet, letters in either case (so a lower-case code is still judged
// as a credit code, and refused for its case).
func IsUSCCShaped(s string) bool {
	if len(s) != 18 {
		return false
	}
	for i := 0; i < 18; i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		if usccValue(c) < 0 {
			return false
		}
	}
	return true
}

// USCCOrReg15 is a credit code, or a legacy 15-digit registration number
// (注册号) with an ISO 7064 MOD 11,10 check digit.
func USCCOrReg15(s string) Result {
	if len(s) == 15 {
		return Reg15(s)
	}
	return USCC(s)
}

// Reg15 checks a 15-digit business registration number.
func Reg15(s string) Result {
	if len(s) != 15 || !allDigits(s) {
		return Format
	}
	if int(s[14]-'0') != Mod1110Check(s[:14]) {
		return Checksum
	}
	return OK
}

// Mod1110Check computes the ISO 7064 MOD 11,10 check digit of digits.
func Mod1110Check(digits string) int {
	p := 10
	for i := 0; i < len(digits); i++ {
		s := (p + int(digits[i]-'0')) % 10
		if s == 0 {
			s = 10
		}
		p = s * 2 % 11
	}
	return (11 - p) % 10
}

// USCCOrFree checks a credit code when s looks like one (18 characters of
// its alphabet); anything else is free text of 2 to 40 characters.
func USCCOrFree(s string) Result {
	if IsUSCCShaped(s) {
		return USCC(s)
	}
	return Free(s)
}

var orgWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// OrgCode checks an organization code (GB 11714): 8 characters 0-9 A-Z, an
// optional '-', and the check character (0-9 or X).
func OrgCode(s string) Result {
	body, check := "", byte(0)
	switch {
	case len(s) == 9:
		body, check = s[:8], s[8]
	case len(s) == 10 && s[8] == '-':
		body, check = s[:8], s[9]
	default:
		return Format
	}
	sum := 0
	for i := 0; i < 8; i++ {
		c := body[i]
		var v int
		switch {
		case isDigit(c):
			v = int(c - '0')
		case c >= 'A' && c <= 'Z':
			v = int(c-'A') + 10
		default:
			return Format
		}
		sum += v * orgWeights[i]
	}
	if !isDigit(check) && check != 'X' {
		return Format
	}
	want := byte('0')
	switch c := 11 - sum%11; c {
	case 10:
		want = 'X'
	case 11:
		want = '0'
	default:
		want = byte('0' + c)
	}
	if check != want {
		return Checksum
	}
	return OK
}

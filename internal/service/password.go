package service

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/crypto/argon2"
)

// argon2id parameters: OWASP's minimum (19 MiB, 2 passes, 1 lane). Memory
// is the bound that matters on a small server: hashConcurrency runs at
// most, so logins never take more than hashConcurrency × 19 MiB.
const (
	argonMemory     = 19 * 1024 // KiB
	argonTime       = 2
	argonThreads    = 1
	argonKeyLen     = 32
	argonSaltLen    = 16
	hashConcurrency = 4
)

// hashPassword returns the PHC string of pw, within the bound on
// concurrent hashes.
func (s *Service) hashPassword(pw string) string {
	s.hashSlot <- struct{}{}
	defer func() { <-s.hashSlot }()
	return HashPassword(pw)
}

// HashPassword returns the PHC string of pw with the service's argon2id
// parameters: what an account stores (the seeder writes accounts with it).
func HashPassword(pw string) string {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		panic("service: no randomness: " + err.Error())
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// checkPassword compares pw with a PHC string in constant time. A malformed
// hash never matches.
func (s *Service) checkPassword(pw, encoded string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || m > 64*1024 || t == 0 || t > 10 || p == 0 || p > 16 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false
	}
	s.hashSlot <- struct{}{}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	<-s.hashSlot
	return subtle.ConstantTimeCompare(got, want) == 1
}

// passwordWeak reports api.md's rule: under 10 characters or fewer than 3
// character classes (lower case, upper case, digits, others).
func passwordWeak(pw string) bool {
	if len([]rune(pw)) < 10 {
		return true
	}
	var lower, upper, digit, other int
	for _, r := range pw {
		switch {
		case unicode.IsLower(r):
			lower = 1
		case unicode.IsUpper(r):
			upper = 1
		case unicode.IsDigit(r):
			digit = 1
		default:
			other = 1
		}
	}
	return lower+upper+digit+other < 3
}

// randomPassword makes a strong password (first admin without one configured).
func randomPassword() string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic("service: no randomness: " + err.Error())
	}
	// base64url gives letters and digits; the suffix guarantees all classes.
	return base64.RawURLEncoding.EncodeToString(b) + "-A7a"
}

// newToken returns a random token and the hash stored for it.
func newToken() (token, hash string) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("service: no randomness: " + err.Error())
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, tokenHash(token)
}

package webhooks

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Signing follows the Standard Webhooks specification (standardwebhooks.com),
// so receivers can verify with its libraries or in a few lines:
//
//	webhook-id:        the delivery's id (stable across retries and replays)
//	webhook-timestamp: Unix seconds when this attempt was signed
//	webhook-signature: "v1," + base64(HMAC-SHA256(key, id + "." + timestamp + "." + body))
//
// where key is the secret after its "whsec_" prefix, base64-decoded.
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
	secretPrefix    = "whsec_"
)

// NewSecret makes a signing secret: "whsec_" and 32 random bytes in base64.
func NewSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go ≥ 1.24)
	return secretPrefix + base64.StdEncoding.EncodeToString(b)
}

func secretKey(secret string) ([]byte, error) {
	k, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, secretPrefix))
	if err != nil || len(k) == 0 {
		return nil, errors.New("webhooks: malformed secret")
	}
	return k, nil
}

// Sign is the webhook-signature header of one attempt.
func Sign(secret, id string, at time.Time, body []byte) (string, error) {
	k, err := secretKey(secret)
	if err != nil {
		return "", err
	}
	m := hmac.New(sha256.New, k)
	m.Write([]byte(id + "." + strconv.FormatInt(at.Unix(), 10) + "."))
	m.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil)), nil
}

// Verification errors.
var (
	ErrBadSignature = errors.New("webhooks: no signature matches")
	ErrStale        = errors.New("webhooks: timestamp outside the tolerance")
)

// Verify checks a received webhook as a receiver should: a signature of
// the header list matches, and the timestamp is within tolerance of now
// (replayed old requests are refused). Partners' code and our tests use it.
func Verify(secret, id, timestamp, signatures string, body []byte, now time.Time, tolerance time.Duration) error {
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return ErrStale
	}
	at := time.Unix(ts, 0)
	if d := now.Sub(at); d > tolerance || d < -tolerance {
		return ErrStale
	}
	want, err := Sign(secret, id, at, body)
	if err != nil {
		return err
	}
	for _, s := range strings.Fields(signatures) {
		if hmac.Equal([]byte(s), []byte(want)) {
			return nil
		}
	}
	return ErrBadSignature
}

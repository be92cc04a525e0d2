package bureau

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"beian/internal/icpnumber"
	"beian/internal/storage"
	"beian/internal/workdays"
)

// websiteSerial extracts n from "<subject>-<n>" (icpnumber.SubjectOf).
func websiteSerial(subject, website string) (int, bool) {
	s, n, ok := icpnumber.SubjectOf(website)
	return n, ok && s == subject
}

// WebsiteNumber is the number of a subject's n-th website.
func WebsiteNumber(subject string, n int) string { return fmt.Sprintf("%s-%d", subject, n) }

// maxSerial is the largest 6-digit serial of one province and year.
const maxSerial = 999_999

// issueSubjectNumber takes the next free subject number of a province
// abbreviation and year: <abbr>ICP备<year><6-digit serial>号. The counter
// is advanced in tx (atomic on both databases, so two instances never
// share a serial); numbers already in the registry (seeded filings) are
// skipped, so a number is never issued twice.
func issueSubjectNumber(ctx context.Context, tx *storage.Tx, abbr string, year int) (string, error) {
	counter := fmt.Sprintf("subject:%s:%d", abbr, year)
	for {
		n, err := tx.NextBureauCounter(ctx, counter)
		if err != nil {
			return "", err
		}
		if n > maxSerial {
			return "", fmt.Errorf("bureau: the %d serials of %s in %d are used up", maxSerial, abbr, year)
		}
		number := fmt.Sprintf("%sICP备%d%06d号", abbr, year, n)
		_, err = tx.BureauSubjectByNumber(ctx, number)
		if errors.Is(err, storage.ErrNotFound) {
			return number, nil
		}
		if err != nil {
			return "", err
		}
		// Taken by a seeded filing: try the next serial.
	}
}

func normDomain(d string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(d)), ".")
}

func parseDate(s string) (time.Time, error) {
	return time.ParseInLocation(time.DateOnly, s, workdays.CST)
}

package bureau

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"beian/internal/storage"
	"beian/internal/workdays"
)

// subjectNumberRE is the subject number format of domain-notes §7.6: a
// province abbreviation, ICP备, 8 legacy or 10 (year + 6) digits, 号.
var subjectNumberRE = regexp.MustCompile(`^(京|津|冀|晋|蒙|辽|吉|黑|沪|苏|浙|皖|闽|赣|鲁|豫|鄂|湘|粤|桂|琼|渝|蜀|黔|滇|藏|陕|陇|青|宁|新)ICP备(\d{8}|\d{10})号$`)

// websiteSerial extracts n from "<subject>-<n>".
func websiteSerial(subject, website string) (int, bool) {
	rest, ok := strings.CutPrefix(website, subject+"-")
	if !ok || rest == "" || strings.TrimLeft(rest, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	return n, err == nil
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

package fault

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"beian/internal/words"
)

// TestMessagesInCatalogue: every message the service and the doors build
// from the catalogue names a key it has (a missing key would show itself
// to people).
func TestMessagesInCatalogue(t *testing.T) {
	uses := []*regexp.Regexp{
		regexp.MustCompile(`fault\.(?:Violated|NewViolation)\("([^"]+)"`),                    // rule.<rule>
		regexp.MustCompile(`fault\.Words\([\w.]+, [\w."]+, "([^"]+)"`),                       // the key
		regexp.MustCompile(`fault\.Violation\([^,]+, [^,]+, "([^"]+)"`),                      // the key
		regexp.MustCompile(`badAttachment\("([^"]+)"`),                                       // rule.<rule>
		regexp.MustCompile(`precheckRefusal\("([^"]+)"`),                                     // error.<code>
		regexp.MustCompile(`words\.(?:Text|T)\((?:"(?:zh|en)", )?"((?:error|rule)\.[^"]+)"`), // the key
	}
	files, _ := filepath.Glob("../*/*.go")
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, re := range uses {
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				key := m[1]
				if strings.HasSuffix(key, ".") {
					continue // a key with a part added at run time ("rule.reasons.text."+field)
				}
				switch i {
				case 0, 3:
					key = "rule." + key
				case 4:
					key = "error." + key
				}
				n++
				if !words.Has(key) {
					t.Errorf("%s: %s is not in the catalogue", f, key)
				}
			}
		}
	}
	if n < 50 {
		t.Errorf("only %d catalogue messages found: is the scan broken?", n)
	}
}

package monitor

import (
	"net/url"
	"strings"
	"unicode"

	"golang.org/x/net/html"
)

// MIITHost is where a website's number must link (docs: the footer rule).
const MIITHost = "beian.miit.gov.cn"

// What a homepage shows of its number.
const (
	NumberLinked   = "linked"   // the number, inside a link to https://beian.miit.gov.cn
	NumberUnlinked = "unlinked" // the number, but no such link around it
	NumberMissing  = "missing"  // not on the page
	NumberUnknown  = "unknown"  // not read (no answer, or the page was cut off before it)
)

// FindNumber says how page (HTML) shows any of numbers: the website's own
// number (a Guangdong website may show its subject's). Text is compared
// with white space removed and full-width forms folded, so "京ICP备
// 2019000001号－1" counts; a number must not run on into more digits
// ("-1" is not "-12").
func FindNumber(page string, numbers []string) string {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return NumberMissing
	}
	want := make([]string, 0, len(numbers))
	for _, n := range numbers {
		if n = fold(n); n != "" {
			want = append(want, n)
		}
	}
	var all strings.Builder
	linked := false
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.Data == "script" || n.Data == "style" || n.Data == "template") {
			return
		}
		if n.Type == html.TextNode {
			all.WriteString(n.Data)
		}
		if n.Type == html.ElementNode && n.Data == "a" && linksMIIT(n) && contains(fold(textOf(n)), want) {
			linked = true
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	switch {
	case linked:
		return NumberLinked
	case contains(fold(all.String()), want):
		return NumberUnlinked
	}
	return NumberMissing
}

func linksMIIT(a *html.Node) bool {
	for _, at := range a.Attr {
		if at.Namespace != "" || !strings.EqualFold(at.Key, "href") {
			continue
		}
		u, err := url.Parse(strings.TrimSpace(at.Val))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			return false
		}
		return strings.EqualFold(strings.TrimSuffix(u.Hostname(), "."), MIITHost)
	}
	return false
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// contains reports whether text holds one of want not followed by a digit.
func contains(text string, want []string) bool {
	for _, w := range want {
		for i := 0; ; {
			j := strings.Index(text[i:], w)
			if j < 0 {
				break
			}
			end := i + j + len(w)
			if end == len(text) || text[end] < '0' || text[end] > '9' {
				return true
			}
			i = end
		}
	}
	return false
}

// fold removes white space and turns full-width ASCII forms (０-９, －,
// ＩＣＰ) into ASCII, upper case.
func fold(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || r == '\u00a0' || r == '\u3000' || r == '\u200b':
			continue
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}

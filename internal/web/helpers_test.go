package web

import (
	"net/url"
	"strconv"
	"testing"

	"beian/internal/examples"
	"beian/internal/filing"
)

// exampleDoc is the spec's valid enterprise filing.
func exampleDoc(t testing.TB) filing.Document {
	t.Helper()
	d, err := examples.Document(examples.Enterprise)
	if err != nil {
		t.Fatal(err)
	}
	d.AsOf = ""
	return d
}

// stepForm is what a browser posts for a step: the document's fields.
func stepForm(doc filing.Document, action string) url.Values {
	v := flatten(doc)
	v.Set("websites.count", strconv.Itoa(len(doc.Websites)))
	for i, w := range doc.Websites {
		v.Set(wsPath(i)+".pre_approvals.count", strconv.Itoa(len(w.PreApprovals)+1))
	}
	v.Set("action", action)
	return v
}

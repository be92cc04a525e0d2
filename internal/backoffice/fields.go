package backoffice

import (
	"fmt"

	"beian/internal/docview"
	"beian/internal/filing"
	"beian/internal/service"
	"beian/internal/words"
)

// fieldOption is one entry of the reason's field select.
type fieldOption struct {
	Path, Label string
}

// FieldLabel names a field path for people, as the applicant's form does
// (words.Field): "网站 1 · 网站负责人 · 手机号码".
func FieldLabel(lang, path string) string { return words.Field(lang, path) }

// fieldOptions lists every field path of doc a reason may name, with labels.
func fieldOptions(lang string, doc filing.Document) []fieldOption {
	paths := docview.Paths(doc)
	for _, k := range service.AttachmentKinds {
		if !k.PerWebsite {
			paths = append(paths, "attachments."+k.Key)
			continue
		}
		for i := range doc.Websites {
			paths = append(paths, fmt.Sprintf("attachments.%s[%d]", k.Key, i))
		}
	}
	out := make([]fieldOption, 0, len(paths))
	for _, p := range paths {
		out = append(out, fieldOption{Path: p, Label: FieldLabel(lang, p)})
	}
	return out
}

// docRow is one field of the document as the application view lists it.
type docRow struct {
	docview.Row
	Before string // the value at the last rejection, for a changed field
}

// documentRows lists the document's fields in form order with their
// values in words (docview).
func documentRows(lang string, doc filing.Document, changed map[string]bool) []docRow {
	var rows []docRow
	for _, r := range docview.Rows(lang, doc, changed) {
		rows = append(rows, docRow{Row: r})
	}
	return rows
}

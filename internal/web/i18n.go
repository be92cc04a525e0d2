package web

import (
	"beian/internal/refdata"
	"beian/internal/words"
)

// tr is key's word in lang (the one catalogue, package words).
func tr(lang, key string, args ...any) string { return words.T(lang, key, args...) }

// known reports whether the catalogue has key.
func known(key string) bool { return words.Has(key) }

// stateName is a state's display name.
func stateName(lang, state string) string { return words.State(lang, state) }

// flowName is a flow's display name.
func flowName(lang, flow string) string { return words.Flow(lang, flow) }

// refName is a reference-table item's display name (refdata.Name).
func refName(lang, key, zh string) string { return refdata.Name(lang, key, zh) }

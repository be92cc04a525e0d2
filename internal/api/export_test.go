package api

// Patterns lists the mounted route patterns and whether each is public, for tests.
func (a *API) Patterns() map[string]bool {
	out := map[string]bool{}
	for _, rt := range a.routes() {
		out[rt.pattern] = rt.public
	}
	return out
}

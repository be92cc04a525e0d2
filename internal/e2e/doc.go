// Package e2e holds Beian's cross-process tests: they build the real
// binary, run `beian serve` as child processes and speak HTTP to them, the
// way an operator's scripts would (issue 8: several instances on one
// PostgreSQL, personal data never in clear, resilience). The package has
// no code of its own.
package e2e

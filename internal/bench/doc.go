// Package bench is Beian's benchmark tooling, apart from the serving code:
// `beian seed` writes realistic filing data at scale (package seed, with
// the service's own hashing and password helpers) and `beian load`
// measures a running server against a bare net/http yardstick (package
// loadgen). docs/benchmarks.md says how to run them.
package bench

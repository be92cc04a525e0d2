package app

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"beian/internal/config"
	"beian/internal/filing"
	"beian/internal/rules"
)

// runValidate is `beian validate [-lang zh|en] FILE.json`. It prints one
// violation a line — severity, rule, field, message — and exits 0 when the document has
// no error, 1 when it has, 2 when the file cannot be read or is not a JSON
// filing document.
func runValidate(args []string, stdout, stderr io.Writer) int {
	return runValidateEnv(args, os.Getenv, stdout, stderr)
}

// runValidateEnv judges against the provider of the environment, as the
// server does (BEIAN_PROVIDER_FILE: its IP ranges, server locations,
// TLDs, maximum of websites), not the built-in defaults.
func runValidateEnv(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	lang := fs.String("lang", "zh", "message language: zh or en")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: beian validate [-lang zh|en] FILE.json")
		return 2
	}
	path := fs.Arg(0)
	b, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(stderr, "validate:", err)
		return 2
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		fmt.Fprintln(stderr, "validate:", err)
		return 2
	}
	v, err := rules.New(cfg.Provider)
	if err != nil {
		fmt.Fprintln(stderr, "validate:", err)
		return 2
	}
	// The same decoding as the API's, bounds included: a list over its
	// bound stops the reading; texts over theirs are reported as violations.
	doc, err := filing.ParseDocument(b, v.MaxWebsites())
	var be *filing.BoundsError
	switch {
	case errors.As(err, &be):
		printViolations(stdout, be.Violations, *lang)
		return 1
	case errors.Is(err, filing.ErrNotObject):
		fmt.Fprintf(stderr, "validate: %s: not a JSON object\n", path)
		return 2
	case err != nil:
		fmt.Fprintf(stderr, "validate: %s: %v\n", path, err)
		return 2
	}
	now := time.Now()
	if _, err := rules.ParseAsOf(doc.AsOf, now); err != nil {
		fmt.Fprintf(stderr, "validate: %s: %v\n", path, err)
		return 2
	}
	vs := v.ValidateWithinBounds(doc, now) // ParseDocument held the bounds
	printViolations(stdout, vs, *lang)
	if filing.HasErrors(vs) {
		return 1
	}
	if len(vs) == 0 {
		fmt.Fprintln(stdout, "ok")
	}
	return 0
}

func printViolations(w io.Writer, vs []filing.Violation, lang string) {
	for _, x := range filing.Localize(vs, lang) {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", x.Severity, x.Rule, x.Field, x.Message)
	}
}

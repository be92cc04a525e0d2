package app

import (
	"fmt"
	"io"
)

// runValidate is replaced by the rules engine's CLI.
func runValidate(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "validate: not yet implemented")
	return 2
}

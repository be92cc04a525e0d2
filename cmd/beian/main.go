// Command beian is the ICP filing system: `beian serve` runs it.
package main

import (
	"os"

	"beian/internal/app"
)

func main() {
	os.Exit(app.Main(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

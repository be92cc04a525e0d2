// Package app wires Beian together and holds its command line. Wiring reads
// top to bottom: config → database → storage → services → HTTP → workers.
package app

import (
	"context"
	"fmt"
	"io"
	"os/signal"
	"syscall"

	"beian/internal/bench"
	"beian/internal/config"
)

const usage = `usage: beian <command>

commands:
  serve                 run the web UI, the API, job workers and the bureau simulator
  migrate               bring the database schema up to date
  rekey                 re-seal personal data under the current key after a rotation
  validate FILE.json    print the violations of a filing document (exit 0 valid, 1 invalid, 2 unreadable)
  backup [--with-key] PATH  copy the SQLite database and attachments to PATH (safe while serving); the key only with --with-key
  restore PATH          restore a backup into an empty data dir
  user add --role reviewer|admin --email E --phone P --password W --name N
  seed --subjects N     generate realistic filing data for benchmarks (docs/benchmarks.md)
  load --url URL        measure a running server against a bare net/http yardstick (docs/benchmarks.md)
`

// Main runs one command and returns the process exit code.
func Main(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmd, rest := args[0], args[1:]
	if cmd == "validate" {
		return runValidate(rest, stdout, stderr)
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		fmt.Fprintln(stderr, "config:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	switch cmd {
	case "serve":
		err = serve(ctx, cfg, stdout, stderr)
	case "migrate":
		err = migrate(ctx, cfg, stdout)
	case "rekey":
		err = rekey(ctx, cfg, stdout)
	case "user":
		err = userCmd(ctx, cfg, rest, stdout)
	case "backup":
		err = backup(ctx, cfg, rest, stdout)
	case "restore":
		err = restore(ctx, cfg, rest, stdout)
	case "seed":
		err = bench.Seed(ctx, cfg, rest, stdout, stderr)
	case "load":
		err = bench.Load(ctx, rest, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprint(stderr, usage)
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "beian:", err)
		return 1
	}
	return 0
}

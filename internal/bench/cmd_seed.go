package bench

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"time"

	"beian/internal/bench/seed"
	"beian/internal/config"
)

// Seed is `beian seed --subjects N [--sample PATH]`: realistic valid
// filing data into the configured database, for the load benchmark.
func Seed(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("subjects", 0, "how many subjects (organizations and individuals) to generate")
	sample := fs.String("sample", filepath.Join(cfg.DataDir, "seed-sample.json"), "where to write the load benchmark's sample file (personal data in clear; keep it private)")
	sampleSize := fs.Int("sample-size", 10000, "subjects listed in the sample file")
	perTx := fs.Int("per-tx", 800, "subjects per transaction (about 12 rows each)")
	offset := fs.Int("offset", -1, "index of the first subject; -1 continues after the records in the database")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n <= 0 {
		return fmt.Errorf("seed: --subjects N is required")
	}
	if path := os.Getenv("BEIAN_SEED_CPUPROFILE"); path != "" {
		// where the seed's time goes, for `go tool pprof`
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	fmt.Fprintf(stdout, "seeding %d subjects into %s\n", *n, redactURL(cfg.DatabaseURL))
	rep, err := seed.Run(ctx, cfg, seed.Options{Subjects: *n, Offset: *offset, PerTx: *perTx, SamplePath: *sample,
		SampleSize: *sampleSize, Progress: stdout})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "seeded %d subjects (indexes %d–%d), %d rows in %s: %.0f subjects/s, %.0f rows/s\nsample: %s\n",
		rep.Subjects, rep.First, rep.First+rep.Subjects-1, rep.Rows, rep.Elapsed.Round(time.Millisecond),
		float64(rep.Subjects)/rep.Elapsed.Seconds(), float64(rep.Rows)/rep.Elapsed.Seconds(), *sample)
	return nil
}

// redactURL hides a password in a database URL.
func redactURL(u string) string {
	for i := 0; i+3 < len(u); i++ {
		if u[i:i+3] == "://" {
			rest := u[i+3:]
			at := -1
			for j := 0; j < len(rest) && rest[j] != '/'; j++ {
				if rest[j] == '@' {
					at = j
				}
			}
			if at < 0 {
				return u
			}
			cred := rest[:at]
			for j := 0; j < len(cred); j++ {
				if cred[j] == ':' {
					return u[:i+3] + cred[:j] + ":***" + rest[at:]
				}
			}
			return u
		}
	}
	return u
}

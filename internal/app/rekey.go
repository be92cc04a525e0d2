package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"beian/internal/clock"
	"beian/internal/config"
	"beian/internal/pii"
	"beian/internal/storage"
)

// warnKeyInDatabase says, at start, that a PostgreSQL deployment keeps its
// personal-data key in the database it protects (a dump then carries the
// key), and which setting moves it out.
func warnKeyInDatabase(cfg config.Config, log *slog.Logger) {
	if cfg.IsPostgres() && cfg.SecretKey == "" {
		log.Warn("the personal-data key is kept in the database beside the data it seals: a dump or a copy of the database "+
			"unseals itself; set BEIAN_SECRET_KEY from your secret store (docs/security.md, key rotation, moves it out)",
			"setting", "BEIAN_SECRET_KEY")
	}
}

// newSealer builds the personal-data sealer from the configured keys:
// BEIAN_SECRET_KEY (or DATA_DIR/secret.key) is current, BEIAN_SECRET_KEY_OLD
// lists the keys before it, oldest first (docs/security.md, key rotation).
func newSealer(ctx context.Context, cfg config.Config, st *storage.Store) (*pii.Sealer, error) {
	return pii.Resolve(ctx, cfg.SecretKey, cfg.SecretKeysOld, cfg.DataDir, st, st.Postgres())
}

// rekey re-seals every sealed value under the current key after a rotation.
func rekey(ctx context.Context, cfg config.Config, stdout io.Writer) error {
	st, err := openStore(ctx, cfg, clock.Wall)
	if err != nil {
		return err
	}
	defer st.Close()
	sealer, err := newSealer(ctx, cfg, st)
	if err != nil {
		return err
	}
	n, err := st.Reseal(ctx, sealer.KeyID()+":", sealer.Reseal)
	if err != nil {
		return fmt.Errorf("rekey: %w", err)
	}
	fmt.Fprintf(stdout, "re-sealed %d values under key %s\n", n, sealer.KeyID())
	// Attachments' data keys are sealed values too (re-sealed above, the
	// files untouched); files stored before encryption at rest are
	// encrypted now.
	sys, err := New(ctx, cfg, WithStore(st))
	if err != nil {
		return err
	}
	files, err := sys.Service.EncryptStoredAttachments(ctx)
	if err != nil {
		return fmt.Errorf("rekey attachments: %w", err)
	}
	fmt.Fprintf(stdout, "encrypted %d attachment files stored in clear\n", files)
	return nil
}

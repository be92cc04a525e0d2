package app

import (
	"context"
	"fmt"
	"io"

	"beian/internal/clock"
	"beian/internal/config"
	"beian/internal/pii"
	"beian/internal/storage"
)

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
	return nil
}

package app

import (
	"context"
	"fmt"
	"io"

	"beian/internal/config"
	"beian/internal/pii"
)

// newSealer builds the personal-data sealer from the configured keys:
// BEIAN_SECRET_KEY (or DATA_DIR/secret.key) is current, BEIAN_SECRET_KEY_OLD
// lists the keys before it, oldest first (docs/security.md, key rotation).
func newSealer(cfg config.Config) (*pii.Sealer, error) {
	return pii.Load(cfg.SecretKey, cfg.SecretKeysOld, cfg.DataDir)
}

// rekey re-seals every sealed value under the current key after a rotation.
func rekey(ctx context.Context, cfg config.Config, stdout io.Writer) error {
	sealer, err := newSealer(cfg)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := st.Reseal(ctx, sealer.KeyID()+":", sealer.Reseal)
	if err != nil {
		return fmt.Errorf("rekey: %w", err)
	}
	fmt.Fprintf(stdout, "re-sealed %d values under key %s\n", n, sealer.KeyID())
	return nil
}

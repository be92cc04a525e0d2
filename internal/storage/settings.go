package storage

import (
	"context"
	"fmt"
)

// SettingOnce stores value under name unless a value is there already, and
// returns the stored one: the first of several instances starting at once wins.
func (s *Store) SettingOnce(ctx context.Context, name, value string) (string, error) {
	var out string
	err := s.Tx(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`, name, value); err != nil {
			return err
		}
		return translate(tx.queryRow(ctx, `SELECT value FROM settings WHERE name = ?`, name).Scan(&out))
	})
	if err != nil {
		return "", fmt.Errorf("setting %s: %w", name, err)
	}
	return out, nil
}

package storage

import (
	"context"
	"fmt"
	"strings"
)

// Reseal walks every text column of every table and passes each value that
// looks sealed ("k<n>:…") and does not start with keep to fn; when fn
// returns changed, the value is replaced in place. It is how a key rotation
// re-encrypts everything under the new key (`beian rekey`) without a list
// of sealed columns to keep in step with the schema: a value fn cannot
// open is no sealed value and is left alone. Safe to repeat and to run
// while serving (each replacement is its own statement matching the old
// value, which the random nonce makes unique).
func (s *Store) Reseal(ctx context.Context, keep string, fn func(string) (out string, changed bool, err error)) (int64, error) {
	cols, err := s.textColumns(ctx)
	if err != nil {
		return 0, err
	}
	var total int64
	for _, c := range cols {
		skipped := 0
		for {
			rows, err := s.w.QueryContext(ctx, s.q(fmt.Sprintf(`SELECT "%s" FROM "%s" WHERE "%s" LIKE 'k%%:%%' AND "%s" NOT LIKE ? LIMIT 200 OFFSET %d`,
				c.col, c.table, c.col, c.col, skipped)), keep+"%")
			if err != nil {
				return total, translate(fmt.Errorf("reseal %s.%s: %w", c.table, c.col, err))
			}
			var vals []string
			for rows.Next() {
				var v string
				if err := rows.Scan(&v); err != nil {
					rows.Close()
					return total, translate(err)
				}
				vals = append(vals, v)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return total, translate(err)
			}
			if len(vals) == 0 {
				break
			}
			for _, v := range vals {
				out, changed, err := fn(v)
				if err != nil || !changed {
					skipped++
					continue
				}
				res, err := s.w.ExecContext(ctx, s.q(fmt.Sprintf(`UPDATE "%s" SET "%s" = ? WHERE "%s" = ?`, c.table, c.col, c.col)), out, v)
				if err != nil {
					return total, translate(fmt.Errorf("reseal %s.%s: %w", c.table, c.col, err))
				}
				n, _ := res.RowsAffected()
				total += n
			}
		}
	}
	return total, nil
}

type column struct{ table, col string }

// textColumns lists the text columns of the schema's tables (not goose's).
func (s *Store) textColumns(ctx context.Context) ([]column, error) {
	var q string
	if s.pg {
		q = `SELECT c.table_name, c.column_name FROM information_schema.columns c
			JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
			WHERE c.table_schema = current_schema() AND c.data_type = 'text' ORDER BY c.table_name, c.column_name`
	} else {
		q = `SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
			WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND upper(p.type) = 'TEXT' ORDER BY m.name, p.name`
	}
	rows, err := s.w.QueryContext(ctx, q)
	if err != nil {
		return nil, translate(fmt.Errorf("list columns: %w", err))
	}
	defer rows.Close()
	var out []column
	for rows.Next() {
		var c column
		if err := rows.Scan(&c.table, &c.col); err != nil {
			return nil, translate(err)
		}
		if strings.HasPrefix(c.table, "goose_") || c.table == "audit_log" || strings.ContainsRune(c.table+c.col, '"') { // the audit log is append-only (appendonly.go) and holds nothing sealed
			continue
		}
		out = append(out, c)
	}
	return out, translate(rows.Err())
}

package store

import (
	"context"
	"fmt"
	"strings"
)

// TextColumns lists every (table, column) of text type in the schema, so
// deletion can be verified by searching everywhere rather than where we
// remember data to be.
func (db *DB) TextColumns(ctx context.Context) ([][2]string, error) {
	var q string
	if db.Dialect == Postgres {
		q = `SELECT table_name, column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND data_type IN ('text', 'character varying', 'jsonb', 'json')
			ORDER BY table_name, column_name`
	} else {
		q = `SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
			WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND upper(p.type) IN ('TEXT', '')
			ORDER BY m.name, p.name`
	}
	rows, err := db.r.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("list columns: %w", err)
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var t, c string
		if err := rows.Scan(&t, &c); err != nil {
			return nil, err
		}
		out = append(out, [2]string{t, c})
	}
	return out, rows.Err()
}

// FindEverywhere returns, for each needle, the "table.column" places whose
// text contains it, searching every text column of every table.
func (db *DB) FindEverywhere(ctx context.Context, needles []string) (map[string][]string, error) {
	cols, err := db.TextColumns(ctx)
	if err != nil {
		return nil, err
	}
	found := map[string][]string{}
	for _, tc := range cols {
		for _, n := range needles {
			var c int64
			q := fmt.Sprintf(`SELECT count(*) FROM %s WHERE %s LIKE $1 ESCAPE '\'`, quoteIdent(tc[0]), quoteIdent(tc[1]))
			if db.Dialect == Postgres {
				q = fmt.Sprintf(`SELECT count(*) FROM %s WHERE %s::text LIKE $1 ESCAPE '\'`, quoteIdent(tc[0]), quoteIdent(tc[1]))
			}
			if err := db.r.QueryRowContext(ctx, q, "%"+escapeLike(n)+"%").Scan(&c); err != nil {
				return nil, fmt.Errorf("search %s.%s: %w", tc[0], tc[1], err)
			}
			if c > 0 {
				found[n] = append(found[n], tc[0]+"."+tc[1])
			}
		}
	}
	return found, nil
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"beian/internal/insight"
)

// InsightTransitions lists, as the dashboard's pure package reads them
// (each change with its application's province and flow), the whole history before to of every
// application with a state change in [from, to), in application and
// sequence order: a stay that ends in the period needs the change that
// began it, and a first decision needs the ones before it.
func (rd Reader) InsightTransitions(ctx context.Context, from, to time.Time) ([]insight.Transition, error) {
	rows, err := rd.db.query(ctx, `SELECT t.application_id, t.at, t.actor_id, t.actor_role, t.event, t.from_state, t.to_state,
			t.reasons, a.province, a.flow
		FROM transitions t JOIN applications a ON a.id = t.application_id
		WHERE t.at < ? AND t.application_id IN (SELECT DISTINCT application_id FROM transitions WHERE at >= ? AND at < ?)
		ORDER BY t.application_id, t.seq`, ms(to), ms(from), ms(to))
	if err != nil {
		return nil, fmt.Errorf("insight transitions: %w", err)
	}
	return collect(rows, func(r scanner) (insight.Transition, error) {
		var tr insight.Transition
		var at int64
		var reasons string
		if err := r.Scan(&tr.ApplicationID, &at, &tr.ActorID, &tr.ActorRole, &tr.Event, &tr.From, &tr.To,
			&reasons, &tr.Province, &tr.Flow); err != nil {
			return tr, translate(err)
		}
		tr.At = fromMS(at)
		if err := json.Unmarshal([]byte(reasons), &tr.Reasons); err != nil {
			return tr, fmt.Errorf("insight transitions: reasons of %s: %w", tr.ApplicationID, err)
		}
		return tr, nil
	})
}

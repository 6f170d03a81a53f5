package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/fenliu/fenliu"
)

const scenarioCols = `id, title, area_id, categories, owner_unit_id, co_units, warning_id, hold_days, opened_by, opened_at, closed_at, closed_by`

func joinIDs(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(s, ",")
}

func splitIDs(s string) []int64 {
	out := []int64{}
	for _, f := range strings.Split(s, ",") {
		if id, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out
}

func scanScenario(s scanner) (*fenliu.Scenario, error) {
	var (
		sc                      fenliu.Scenario
		cats, co                string
		warning, closed, closer sql.NullInt64
		opened                  int64
	)
	if err := s.Scan(&sc.ID, &sc.Title, &sc.AreaID, &cats, &sc.OwnerUnitID, &co, &warning, &sc.HoldDays, &sc.OpenedBy, &opened, &closed, &closer); err != nil {
		return nil, err
	}
	sc.Categories = strings.Split(cats, ",")
	sc.CoUnitIDs = splitIDs(co)
	sc.WarningID, sc.OpenedAt, sc.ClosedAt, sc.ClosedBy = warning.Int64, fromMS(opened), fromNullMS(closed), closer.Int64
	return &sc, nil
}

// CreateScenario stores a scenario and sets its ID.
func (q *Q) CreateScenario(ctx context.Context, s *fenliu.Scenario) error {
	return mapErr(q.row(ctx, `INSERT INTO scenarios (title, area_id, categories, owner_unit_id, co_units, warning_id, hold_days, opened_by, opened_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, s.Title, s.AreaID, strings.Join(s.Categories, ","), s.OwnerUnitID, joinIDs(s.CoUnitIDs),
		nullID(s.WarningID), s.HoldDays, s.OpenedBy, ms(s.OpenedAt)).Scan(&s.ID))
}

// Scenario returns one scenario.
func (q *Q) Scenario(ctx context.Context, id int64) (*fenliu.Scenario, error) {
	s, err := scanScenario(q.row(ctx, `SELECT `+scenarioCols+` FROM scenarios WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fenliu.NotFound("场景", "scenario", id)
	}
	return s, mapErr(err)
}

// Scenarios returns every scenario, open ones first, newest first.
func (q *Q) Scenarios(ctx context.Context) ([]*fenliu.Scenario, error) {
	rows, err := q.query(ctx, `SELECT `+scenarioCols+` FROM scenarios ORDER BY closed_at IS NOT NULL, opened_at DESC, id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*fenliu.Scenario{}
	for rows.Next() {
		s, err := scanScenario(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, mapErr(rows.Err())
}

// CloseScenario marks a scenario closed; it fails with a conflict if it was.
func (q *Q) CloseScenario(ctx context.Context, id, by int64, at time.Time) error {
	res, err := q.exec(ctx, `UPDATE scenarios SET closed_at = ?, closed_by = ? WHERE id = ? AND closed_at IS NULL`, ms(at), by, id)
	if err != nil {
		return mapErr(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return conflict("场景已关闭", "the scenario is already closed")
	}
	return nil
}

// CreateMeasure stores a measure and sets its ID.
func (q *Q) CreateMeasure(ctx context.Context, m *fenliu.Measure) error {
	return mapErr(q.row(ctx, `INSERT INTO scenario_measures (scenario_id, text, unit_id, due_at) VALUES (?, ?, ?, ?) RETURNING id`,
		m.ScenarioID, m.Text, m.UnitID, ms(m.DueAt)).Scan(&m.ID))
}

// MeasureDone marks a measure done.
func (q *Q) MeasureDone(ctx context.Context, id int64, at time.Time) error {
	_, err := q.exec(ctx, `UPDATE scenario_measures SET done_at = ? WHERE id = ? AND done_at IS NULL`, ms(at), id)
	return mapErr(err)
}

// Measures returns a scenario's measures by due date.
func (q *Q) Measures(ctx context.Context, scenarioID int64) ([]*fenliu.Measure, error) {
	rows, err := q.query(ctx, `SELECT id, scenario_id, text, unit_id, due_at, done_at FROM scenario_measures WHERE scenario_id = ? ORDER BY due_at, id`, scenarioID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*fenliu.Measure{}
	for rows.Next() {
		var (
			m    fenliu.Measure
			due  int64
			done sql.NullInt64
		)
		if err := rows.Scan(&m.ID, &m.ScenarioID, &m.Text, &m.UnitID, &due, &done); err != nil {
			return nil, err
		}
		m.DueAt, m.DoneAt = fromMS(due), fromNullMS(done)
		out = append(out, &m)
	}
	return out, mapErr(rows.Err())
}

// InsertScenarioEvent appends a line to a scenario's history.
func (q *Q) InsertScenarioEvent(ctx context.Context, scenarioID int64, e *fenliu.ScenarioEvent) error {
	return mapErr(q.row(ctx, `INSERT INTO scenario_events (scenario_id, measure_id, at, actor_id, kind, text) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		scenarioID, nullID(e.MeasureID), ms(e.At), e.ActorID, e.Kind, e.Text).Scan(&e.ID))
}

// ScenarioEvents returns a scenario's history, oldest first.
func (q *Q) ScenarioEvents(ctx context.Context, scenarioID int64) ([]*fenliu.ScenarioEvent, error) {
	rows, err := q.query(ctx, `SELECT id, measure_id, at, actor_id, kind, text FROM scenario_events WHERE scenario_id = ? ORDER BY at, id`, scenarioID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*fenliu.ScenarioEvent{}
	for rows.Next() {
		var (
			e  fenliu.ScenarioEvent
			m  sql.NullInt64
			at int64
		)
		if err := rows.Scan(&e.ID, &m, &at, &e.ActorID, &e.Kind, &e.Text); err != nil {
			return nil, err
		}
		e.MeasureID, e.At = m.Int64, fromMS(at)
		out = append(out, &e)
	}
	return out, mapErr(rows.Err())
}

// ScenarioOfWarning returns the id of the scenario opened from a warning, or 0.
func (q *Q) ScenarioOfWarning(ctx context.Context, warningID int64) (int64, error) {
	var id int64
	err := q.row(ctx, `SELECT id FROM scenarios WHERE warning_id = ? ORDER BY id LIMIT 1`, warningID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, mapErr(err)
}

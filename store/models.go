package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"github.com/fenliu/fenliu"
)

// settingActiveModel names the active triage model version's id ("" or
// "0": the built-in model). Every server compares it with the model it
// holds before it triages, so a switch on one server reaches all.
const settingActiveModel = "triage.model"

// CreateModelVersion stores a model version (not active).
func (q *Q) CreateModelVersion(ctx context.Context, v *fenliu.ModelVersion) error {
	ev := string(v.Evaluation)
	return mapErr(q.row(ctx, `INSERT INTO triage_models (version, catalog_version, body, size, evaluation, note, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		v.Version, v.CatalogVersion, v.Body, int64(len(v.Body)), ev, v.Note, v.CreatedBy, ms(v.CreatedAt)).Scan(&v.ID))
}

const modelColumns = `id, version, catalog_version, size, evaluation, note, created_by, created_at, active, activated_at`

func scanModel(s interface{ Scan(...any) error }, body bool) (*fenliu.ModelVersion, error) {
	var (
		v              fenliu.ModelVersion
		ev             string
		at, act, actAt int64
	)
	dst := []any{&v.ID, &v.Version, &v.CatalogVersion, &v.Size, &ev, &v.Note, &v.CreatedBy, &at, &act, &actAt}
	if body {
		dst = append(dst, &v.Body)
	}
	if err := s.Scan(dst...); err != nil {
		return nil, err
	}
	if ev != "" {
		v.Evaluation = []byte(ev)
	}
	v.CreatedAt, v.Active = fromMS(at), act != 0
	if actAt != 0 {
		v.ActivatedAt = fromMS(actAt)
	}
	return &v, nil
}

// ModelVersions lists the stored model versions, newest first, without
// their files.
func (q *Q) ModelVersions(ctx context.Context) ([]*fenliu.ModelVersion, error) {
	rows, err := q.query(ctx, `SELECT `+modelColumns+` FROM triage_models ORDER BY id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*fenliu.ModelVersion{}
	for rows.Next() {
		v, err := scanModel(rows, false)
		if err != nil {
			return nil, mapErr(err)
		}
		out = append(out, v)
	}
	return out, mapErr(rows.Err())
}

// ModelVersion returns one stored version with its file.
func (q *Q) ModelVersion(ctx context.Context, id int64) (*fenliu.ModelVersion, error) {
	v, err := scanModel(q.row(ctx, `SELECT `+modelColumns+`, body FROM triage_models WHERE id = ?`, id), true)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fenliu.NotFound("模型版本", "model version", id)
	}
	return v, mapErr(err)
}

// ActivateModel makes version id the active one (0: the built-in model)
// and tells every server through the settings row.
func (q *Q) ActivateModel(ctx context.Context, id int64, at int64) error {
	if _, err := q.exec(ctx, `UPDATE triage_models SET active = 0 WHERE active <> 0 AND id <> ?`, id); err != nil {
		return err
	}
	if id != 0 {
		res, err := q.exec(ctx, `UPDATE triage_models SET active = 1, activated_at = ? WHERE id = ?`, at, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fenliu.NotFound("模型版本", "model version", id)
		}
	}
	return q.SetSettings(ctx, map[string]string{settingActiveModel: strconv.FormatInt(id, 10)}, false)
}

// ActiveModelID returns the active model version's id (0: the built-in
// model): one indexed read, made before each triage.
func (q *Q) ActiveModelID(ctx context.Context) (int64, error) {
	s, err := q.Setting(ctx, settingActiveModel)
	if err != nil || s == "" {
		return 0, err
	}
	return strconv.ParseInt(s, 10, 64)
}

package fenliu

import (
	"encoding/json"
	"time"
)

// ModelVersion is a trained triage model kept in the database (issue 15):
// the model file, the figures it was accepted on, who installed it and
// when, and whether it is the one the servers answer with. No active
// version means the built-in model.
type ModelVersion struct {
	ID             int64           `json:"id"`
	Version        string          `json:"version"`         // the model file's own version (a digest of its weights)
	CatalogVersion string          `json:"catalog_version"` // the catalogue it was trained for
	Size           int64           `json:"size"`            // bytes of the model file
	Evaluation     json.RawMessage `json:"evaluation"`      // the comparison with the model active when it was installed
	Note           string          `json:"note"`
	CreatedBy      int64           `json:"created_by"` // 0: installed from the command line
	CreatedAt      time.Time       `json:"created_at"`
	Active         bool            `json:"active"`
	ActivatedAt    time.Time       `json:"activated_at,omitzero"`
	Body           []byte          `json:"-"`
}

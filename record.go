package fenliu

import "time"

// Bulletin is a stored periodic report (通报) of every unit's rates for a
// day, week or month; Body is its JSON.
type Bulletin struct {
	ID        int64     `json:"id"`
	Period    string    `json:"period"` // day, week, month
	StartsAt  time.Time `json:"starts_at"`
	EndsAt    time.Time `json:"ends_at"`
	Body      []byte    `json:"-"`
	CreatedAt time.Time `json:"created_at"`
}

// CatalogVersion is a stored version of the matter catalogue (YAML); the
// newest is active.
type CatalogVersion struct {
	ID        int64     `json:"id"`
	Version   string    `json:"version"`
	Body      string    `json:"-"`
	Note      string    `json:"note,omitempty"`
	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// Upload is a stored file: a photo from the field, a document.
type Upload struct {
	ID          int64     `json:"id"`
	Token       string    `json:"-"` // unguessable; the URL names it
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	Data        []byte    `json:"-"`
	CreatedBy   int64     `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
	// What it belongs to: it is stored in the transaction that attaches it.
	IncidentID int64  `json:"incident_id"`
	OrderID    int64  `json:"order_id,omitempty"`
	Addr       string `json:"-"` // the sender's address (quotas)
}

// File is a file sent with an intake or an action (a photo from a form),
// not yet stored: the service layer checks it, then stores it in the same
// transaction as the event that attaches it, or not at all.
type File struct {
	Name string
	Data []byte
}

// IncidentFilter selects incidents; zero fields select all.
type IncidentFilter struct {
	Disposition Disposition
	Channel     Channel
	Phone       string // same caller
	AreaID      int64
	Category    string
	UnitID      int64 // only incidents with an order for this unit
	From, To    time.Time
	Before      int64 // keyset cursor: ids below this
	Limit       int
}

// OrderFilter selects work orders; zero fields select all.
type OrderFilter struct {
	UnitID int64
	// WithEscalated: with UnitID, also the orders escalated to that unit.
	WithEscalated bool
	IncidentID    int64
	States        []OrderState
	From, To      time.Time // dispatched in [From, To)
	Before        int64     // keyset cursor: ids below this
	Limit         int
}

// PageLimit is the list size when none or too many are asked for.
func PageLimit(n int) int {
	if n <= 0 || n > MaxPage {
		return DefaultPage
	}
	return n
}

// List sizes.
const (
	DefaultPage = 50
	MaxPage     = 500
)

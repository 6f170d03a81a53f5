package fenliu

import "time"

// Notice is a notice to a unit about an order: a warning, an overdue mark,
// a supervision notice (督办单), an escalation (提级盯办), or a rectification
// request (整改). Stage names the limit a timer notice is about.
type Notice struct {
	ID         int64      `json:"id"`
	Kind       NoticeKind `json:"kind"`
	Stage      Stage      `json:"stage,omitempty"`
	OrderID    int64      `json:"order_id,omitempty"`
	IncidentID int64      `json:"incident_id,omitempty"`
	UnitID     int64      `json:"unit_id"`           // the unit it is addressed to (0: a role)
	ToRole     Role       `json:"to_role,omitempty"` // or the role it is addressed to (the callback team's supervisors)
	Text       string     `json:"text"`
	CreatedBy  int64      `json:"created_by"` // 0: the system
	CreatedAt  time.Time  `json:"created_at"`
	DueAt      *time.Time `json:"due_at,omitempty"` // a reply or rectification is due
	Reply      string     `json:"reply,omitempty"`
	RepliedBy  int64      `json:"replied_by,omitempty"`
	RepliedAt  *time.Time `json:"replied_at,omitempty"`
}

// NoticeFilter selects notices; zero fields select all.
type NoticeFilter struct {
	UnitID  int64
	ToRole  Role // with UnitID 0: the notices addressed to this role
	OrderID int64
	Open    bool // only those still waiting for a reply
	Limit   int
}

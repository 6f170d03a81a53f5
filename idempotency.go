package fenliu

// IdempotentAnswer is the answer kept for a user's Idempotency-Key: a
// repeated request with the key gets it again instead of acting twice.
type IdempotentAnswer struct {
	UserID      int64
	Key         string
	Method      string
	Path        string
	Fingerprint string // of the request body
	Status      int    // 0: the first request is still running
	Body        []byte
}

// ValidIdempotencyKey: 1 to 255 visible ASCII characters.
func ValidIdempotencyKey(k string) error {
	if k == "" || len(k) > 255 {
		return &Error{Code: EInvalid, Field: "Idempotency-Key", ZH: "Idempotency-Key 必须是 1 到 255 个字符", EN: "Idempotency-Key must be 1 to 255 characters"}
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return &Error{Code: EInvalid, Field: "Idempotency-Key", ZH: "Idempotency-Key 只能含可见的 ASCII 字符", EN: "Idempotency-Key must be visible ASCII characters"}
		}
	}
	return nil
}

// SameRequest reports whether a repeated key comes with the same request.
func (a *IdempotentAnswer) SameRequest(b *IdempotentAnswer) error {
	if a.Method != b.Method || a.Path != b.Path || a.Fingerprint != b.Fingerprint {
		return &Error{Code: EUnprocessable, Field: "Idempotency-Key", ZH: "该 Idempotency-Key 已用于另一个请求", EN: "the Idempotency-Key was used for a different request"}
	}
	if a.Status == 0 {
		return &Error{Code: EConflict, Field: "Idempotency-Key", ZH: "使用该 Idempotency-Key 的请求仍在处理中", EN: "a request with this Idempotency-Key is still being processed"}
	}
	return nil
}

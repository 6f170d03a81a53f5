package fenliu

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
)

// Standard Webhooks (standardwebhooks.com): a message carries webhook-id
// (the same at every attempt, so a receiver drops repeats), webhook-timestamp
// (Unix seconds of the attempt, so a receiver refuses old replays) and
// webhook-signature "v1,<base64 HMAC-SHA256 of id.timestamp.body>" keyed
// with the base64-decoded part of a "whsec_" secret.

// WebhookSecretPrefix starts every webhook secret.
const WebhookSecretPrefix = "whsec_"

// NewWebhookSecret returns a fresh secret: whsec_ and 32 random bytes in base64.
func NewWebhookSecret() string {
	var b [32]byte
	rand.Read(b[:])
	return WebhookSecretPrefix + base64.StdEncoding.EncodeToString(b[:])
}

// WebhookKey returns the signing key of a secret.
func WebhookKey(secret string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, WebhookSecretPrefix))
	if !strings.HasPrefix(secret, WebhookSecretPrefix) || err != nil || len(key) < 16 {
		return nil, &Error{Code: EInvalid, Field: "secret",
			ZH: "密钥必须是 whsec_ 加至少 16 字节的 base64", EN: "secret must be whsec_ followed by at least 16 bytes in base64"}
	}
	return key, nil
}

// WebhookMessageID is the webhook-id of outbox entry id.
func WebhookMessageID(id int64) string { return "msg_" + strconv.FormatInt(id, 10) }

// SignWebhook returns the webhook-signature header value for a message.
func SignWebhook(key []byte, msgID string, timestamp int64, body []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(msgID + "." + strconv.FormatInt(timestamp, 10) + "."))
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// VerifyWebhook checks a signature header (which may list several
// space-separated signatures) against the message.
func VerifyWebhook(key []byte, msgID string, timestamp int64, body []byte, header string) bool {
	want := SignWebhook(key, msgID, timestamp, body)
	for _, sig := range strings.Fields(header) {
		if hmac.Equal([]byte(sig), []byte(want)) {
			return true
		}
	}
	return false
}

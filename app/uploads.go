package app

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"strings"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/store"
)

// Upload limits: every file is checked — count, size, type by its content,
// the sender's quota — and stored in the transaction of the event that
// attaches it, after the permission and the order's state were checked. A
// file is never stored on its own, so none belongs to nothing.
const (
	MaxUpload = 8 << 20 // one file (8 MiB)
	MaxPhotos = 5       // files one form may carry
	// UploadQuotaAccount is what one account may upload in a day.
	UploadQuotaAccount = 200 << 20
	// UploadQuotaAddress is what citizens from one address may upload in a
	// day (the public report page).
	UploadQuotaAddress = 40 << 20
)

// uploadTypes are the content types kept (sniffed from the bytes, not the
// name or the header).
var uploadTypes = map[string]bool{"image/jpeg": true, "image/png": true, "image/gif": true, "image/webp": true, "image/bmp": true}

// FileTooLarge is the answer to a file over MaxUpload.
func FileTooLarge() error {
	return fenliu.Errorf(fenliu.ETooLarge, "photo", "照片不能超过 %d MB", "a photo may be at most %d MB", MaxUpload>>20)
}

// TooManyFiles is the answer to a form with more than MaxPhotos files.
func TooManyFiles() error {
	return fenliu.Errorf(fenliu.EInvalid, "photo", "一次最多上传 %d 张照片", "at most %d photos at a time", MaxPhotos)
}

// checkFiles checks files before any transaction: count, size, type.
func checkFiles(files []fenliu.File) error {
	if len(files) > MaxPhotos {
		return TooManyFiles()
	}
	for _, f := range files {
		if len(f.Data) > MaxUpload {
			return FileTooLarge()
		}
		if len(f.Data) == 0 || !uploadTypes[http.DetectContentType(f.Data)] {
			return &fenliu.Error{Code: fenliu.EUnsupportedMedia, Field: "photo", ZH: "只能上传 JPEG、PNG、GIF、WebP 或 BMP 图片", EN: "only JPEG, PNG, GIF, WebP or BMP images may be uploaded"}
		}
	}
	return nil
}

// newUploadToken is an upload's unguessable name.
func newUploadToken() string {
	var b [18]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// uploads makes the rows for checked files and the attachments that name
// them; storeUploads writes them once the incident (and order) exist.
func (a *App) uploads(uploader int64, addr string, files []fenliu.File) ([]*fenliu.Upload, []fenliu.Attachment) {
	var ups []*fenliu.Upload
	var atts []fenliu.Attachment
	now := a.now()
	for _, f := range files {
		name := f.Name
		if len(name) > 100 {
			name = name[:100]
		}
		up := &fenliu.Upload{Token: newUploadToken(), Name: strings.ToValidUTF8(name, "_"), ContentType: http.DetectContentType(f.Data),
			Data: f.Data, CreatedBy: uploader, CreatedAt: now, Addr: addr}
		ups = append(ups, up)
		atts = append(atts, fenliu.Attachment{Kind: "photo", URI: fenliu.UploadPrefix + up.Token, Name: up.Name})
	}
	return ups, atts
}

// storeUploads checks the sender's quota and writes the files, attached to
// the incident (and order), in the caller's transaction.
func (a *App) storeUploads(ctx context.Context, q *store.Q, incidentID, orderID int64, ups []*fenliu.Upload) error {
	if len(ups) == 0 {
		return nil
	}
	if err := a.diskRoom(); err != nil {
		return err
	}
	var size int64
	for _, up := range ups {
		size += int64(len(up.Data))
	}
	by, addr := ups[0].CreatedBy, ups[0].Addr
	used, err := q.UploadBytesSince(ctx, by, addr, a.now().Add(-24*time.Hour))
	if err != nil {
		return err
	}
	quota := int64(UploadQuotaAccount)
	if by == 0 {
		quota = UploadQuotaAddress
	}
	if used+size > quota {
		return fenliu.Errorf(fenliu.ETooMany, "photo", "今日上传已达上限（%d MB），请明天再试", "the day's upload quota (%d MB) is used up; try again tomorrow", quota>>20)
	}
	for _, up := range ups {
		up.IncidentID, up.OrderID = incidentID, orderID
		if err := q.CreateUpload(ctx, up); err != nil {
			return err
		}
	}
	return nil
}

// Upload returns a stored file to a signed-in user who may see what it is
// attached to: the order's photos to whoever may see the order, the
// incident's to whoever may see the incident.
func (a *App) Upload(ctx context.Context, actor *fenliu.User, token string) (*fenliu.Upload, error) {
	if actor == nil {
		return nil, &fenliu.Error{Code: fenliu.EUnauthorized, ZH: "请先登录", EN: "sign in first"}
	}
	up, err := a.db.UploadByToken(ctx, token)
	if err != nil {
		return nil, err
	}
	notFound := fenliu.NotFound("附件", "file", token)
	if up.OrderID != 0 {
		o, err := a.db.Order(ctx, up.OrderID)
		if err != nil {
			return nil, err
		}
		if fenliu.CanSeeOrder(actor, o) != nil {
			return nil, notFound
		}
		return up, nil
	}
	inc, err := a.db.Incident(ctx, up.IncidentID)
	if err != nil {
		return nil, notFound
	}
	if a.canSeeIncident(ctx, actor, inc) != nil {
		return nil, notFound
	}
	return up, nil
}

// UploadStats reports what the uploads hold (files, bytes), for health.
func (a *App) UploadStats(ctx context.Context) (store.UploadStats, error) {
	return a.db.UploadStats(ctx)
}

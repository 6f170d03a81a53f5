package app

import (
	"context"
	"net/http"
	"strings"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/store"
)

// MaxUpload is the largest file accepted (8 MiB).
const MaxUpload = 8 << 20

// SaveUpload stores a photo sent by a signed-in user or a citizen (actor
// nil) and returns it as an attachment. Only images are kept.
func (a *App) SaveUpload(ctx context.Context, actor *fenliu.User, name string, data []byte) (fenliu.Attachment, error) {
	if len(data) > MaxUpload {
		return fenliu.Attachment{}, fenliu.Errorf(fenliu.ETooLarge, "photo", "照片不能超过 %d MB", "a photo may be at most %d MB", MaxUpload>>20)
	}
	ct := http.DetectContentType(data)
	if !strings.HasPrefix(ct, "image/") {
		return fenliu.Attachment{}, &fenliu.Error{Code: fenliu.EInvalid, Field: "photo", ZH: "只能上传图片", EN: "only images may be uploaded"}
	}
	if len(name) > 100 {
		name = name[:100]
	}
	up := &fenliu.Upload{Name: strings.ToValidUTF8(name, "_"), ContentType: ct, Data: data, CreatedAt: a.now()}
	if actor != nil {
		up.CreatedBy = actor.ID
	}
	if err := a.db.Tx(ctx, func(q *store.Q) error { return q.CreateUpload(ctx, up) }); err != nil {
		return fenliu.Attachment{}, err
	}
	return fenliu.Attachment{Kind: "photo", URI: "/uploads/" + up.Token, Name: up.Name}, nil
}

// Upload returns a stored file to a signed-in user. Its token is
// unguessable and only appears on pages of the incident it belongs to.
func (a *App) Upload(ctx context.Context, actor *fenliu.User, token string) (*fenliu.Upload, error) {
	if actor == nil {
		return nil, &fenliu.Error{Code: fenliu.EUnauthorized, ZH: "请先登录", EN: "sign in first"}
	}
	return a.db.UploadByToken(ctx, token)
}

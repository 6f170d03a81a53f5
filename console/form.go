package console

import (
	"context"
	"crypto/subtle"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
)

// Posted forms are read here, once, as the body streams in: the size caps
// apply before a byte is parsed, the CSRF token is checked before any file
// is read, and files stay in memory until the service layer has checked
// the permission, the state, the count, the type and the quota — it stores
// them in the transaction that attaches them, or not at all.

const (
	maxFormFields = 64 << 10 // all text fields of a form together
	// maxFormBody caps a whole posted form: the photos a form may carry and
	// its fields.
	maxFormBody = app.MaxPhotos*app.MaxUpload + maxFormFields
)

// formFile is a file part of a posted form.
type formFile struct {
	Field string
	fenliu.File
}

type formFilesKey struct{}

// readForm reads a posted form into r.PostForm (so r.PostFormValue works)
// and returns its files. want is the CSRF token the form must carry (field
// "csrf" before any file, or header X-CSRF-Token); empty skips the check.
func readForm(w http.ResponseWriter, r *http.Request, want string) ([]formFile, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	ok := want == "" || tokenOK(r.Header.Get("X-CSRF-Token"), want)
	expired := &fenliu.Error{Code: fenliu.EForbidden, ZH: "页面已过期，请刷新后重试", EN: "the page has expired; reload and try again"}
	mr, err := r.MultipartReader()
	if errors.Is(err, http.ErrNotMultipart) {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormFields)
		if err := r.ParseForm(); err != nil {
			return nil, tooLargeOr(err, &fenliu.Error{Code: fenliu.EInvalid, ZH: "表单无效", EN: "invalid form"})
		}
		if !ok && !tokenOK(r.PostForm.Get("csrf"), want) {
			return nil, expired
		}
		return nil, nil
	}
	if err != nil {
		return nil, &fenliu.Error{Code: fenliu.EInvalid, ZH: "表单无效", EN: "invalid form"}
	}
	values := url.Values{}
	var files []formFile
	fieldBytes := 0
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, tooLargeOr(err, &fenliu.Error{Code: fenliu.EInvalid, ZH: "表单无效", EN: "invalid form"})
		}
		name := part.FormName()
		if part.FileName() == "" {
			b, err := io.ReadAll(io.LimitReader(part, int64(maxFormFields-fieldBytes+1)))
			if err != nil {
				return nil, tooLargeOr(err, &fenliu.Error{Code: fenliu.EInvalid, ZH: "表单无效", EN: "invalid form"})
			}
			if fieldBytes += len(b); fieldBytes > maxFormFields {
				return nil, &fenliu.Error{Code: fenliu.ETooLarge, ZH: "表单内容过多", EN: "form fields too large"}
			}
			values.Add(name, string(b))
			if name == "csrf" && !ok {
				ok = tokenOK(string(b), want)
			}
			continue
		}
		// A file: only after the form has shown its token.
		if !ok {
			return nil, expired
		}
		f, err := readFile(part)
		if err != nil {
			return nil, err
		}
		if len(f.Data) == 0 {
			continue // an empty file input
		}
		if len(files) >= app.MaxPhotos {
			return nil, app.TooManyFiles()
		}
		files = append(files, formFile{Field: name, File: f})
	}
	if !ok {
		return nil, expired
	}
	r.PostForm, r.Form = values, values
	return files, nil
}

func readFile(part *multipart.Part) (fenliu.File, error) {
	b, err := io.ReadAll(io.LimitReader(part, app.MaxUpload+1))
	if err != nil {
		return fenliu.File{}, tooLargeOr(err, &fenliu.Error{Code: fenliu.EInvalid, ZH: "表单无效", EN: "invalid form"})
	}
	if len(b) > app.MaxUpload {
		return fenliu.File{}, app.FileTooLarge()
	}
	return fenliu.File{Name: part.FileName(), Data: b}, nil
}

func tooLargeOr(err error, other error) error {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return &fenliu.Error{Code: fenliu.ETooLarge, ZH: "上传的内容过大", EN: "upload too large"}
	}
	return other
}

func tokenOK(got, want string) bool {
	return got != "" && want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// withFiles keeps a form's files for its handler.
func withFiles(r *http.Request, files []formFile) *http.Request {
	if len(files) == 0 {
		return r
	}
	return r.WithContext(context.WithValue(r.Context(), formFilesKey{}, files))
}

// formFiles returns the files of field posted with the form (readForm).
func formFiles(r *http.Request, field string) []fenliu.File {
	all, _ := r.Context().Value(formFilesKey{}).([]formFile)
	return formFilesOf(all, field)
}

func formFilesOf(all []formFile, field string) []fenliu.File {
	var out []fenliu.File
	for _, f := range all {
		if f.Field == field {
			out = append(out, f.File)
		}
	}
	return out
}

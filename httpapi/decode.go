package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fenliu/fenliu"
)

// DefaultMaxBody is the largest request body accepted (1 MiB): call texts and
// notes are short; photos are uploaded separately.
const DefaultMaxBody = 1 << 20

// decode reads a JSON request body into dst. It refuses bodies over max,
// bodies that are not UTF-8, unknown fields, wrong types, and trailing data,
// each with a precise error naming what is wrong.
func decode(w http.ResponseWriter, r *http.Request, max int64, dst any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" {
			return &fenliu.Error{Code: fenliu.EUnsupportedMedia, ZH: "请求体必须是 application/json", EN: "request body must be application/json"}
		}
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return fenliu.Errorf(fenliu.ETooLarge, "", "请求体超过 %d 字节", "request body is larger than %d bytes", max)
		}
		return &fenliu.Error{Code: fenliu.EInvalid, ZH: "读取请求体失败", EN: "could not read the request body"}
	}
	return decodeBytes(data, dst)
}

// decodeBytes is decode without the HTTP parts; the fuzz test drives it.
func decodeBytes(data []byte, dst any) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return &fenliu.Error{Code: fenliu.EInvalid, ZH: "请求体为空，需要一个 JSON 对象", EN: "empty body; a JSON object is required"}
	}
	if !utf8.Valid(data) {
		return &fenliu.Error{Code: fenliu.EInvalid, ZH: "请求体不是有效的 UTF-8 文本", EN: "request body is not valid UTF-8"}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return &fenliu.Error{Code: fenliu.EInvalid, ZH: "JSON 对象之后还有多余内容", EN: "unexpected data after the JSON object"}
	}
	if _, err := dec.Token(); err != io.EOF {
		return &fenliu.Error{Code: fenliu.EInvalid, ZH: "JSON 对象之后还有多余内容", EN: "unexpected data after the JSON object"}
	}
	return nil
}

func jsonError(err error) error {
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
		tim *time.ParseError
	)
	switch {
	case errors.As(err, &syn):
		return fenliu.Errorf(fenliu.EInvalid, "", "JSON 格式错误（第 %d 字节）", "malformed JSON at byte %d", syn.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &fenliu.Error{Code: fenliu.EInvalid, ZH: "JSON 不完整", EN: "JSON ends unexpectedly"}
	case errors.As(err, &typ):
		field := jsonField(typ.Field)
		if field == "" {
			return &fenliu.Error{Code: fenliu.EInvalid, ZH: "请求体必须是一个 JSON 对象", EN: "request body must be a JSON object"}
		}
		return &fenliu.Error{Code: fenliu.EInvalid, Field: field,
			ZH: fmt.Sprintf("字段「%s」类型错误，应为 %s", field, typeZH(typ.Type.String())),
			EN: fmt.Sprintf("field %q must be %s, not %s", field, typeEN(typ.Type.String()), typ.Value)}
	case errors.As(err, &tim):
		return &fenliu.Error{Code: fenliu.EInvalid, ZH: "时间格式错误，应为 RFC 3339（如 2026-11-23T08:00:00+08:00）", EN: "time must be RFC 3339, e.g. 2026-11-23T08:00:00+08:00"}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &fenliu.Error{Code: fenliu.EInvalid, Field: field, ZH: "未知字段「" + field + "」", EN: "unknown field " + strconv.Quote(field)}
	}
	return &fenliu.Error{Code: fenliu.EInvalid, ZH: "请求体不是有效的 JSON", EN: "request body is not valid JSON"}
}

// jsonField is a decoding error's field path without the Go names of
// embedded structs ("IncidentInput.text" → "text").
func jsonField(path string) string {
	parts := strings.Split(path, ".")
	for len(parts) > 1 && parts[0] != "" && parts[0][0] >= 'A' && parts[0][0] <= 'Z' {
		parts = parts[1:]
	}
	return strings.Join(parts, ".")
}

func typeEN(t string) string {
	switch {
	case strings.Contains(t, "int"), strings.Contains(t, "float"):
		return "a number"
	case t == "bool" || t == "*bool":
		return "true or false"
	case strings.HasPrefix(t, "[]"):
		return "an array"
	case strings.Contains(t, "time.Time"):
		return "an RFC 3339 time string"
	case strings.Contains(t, "string"), strings.Contains(t, "fenliu."):
		return "a string"
	}
	return "an object"
}

func typeZH(t string) string {
	switch typeEN(t) {
	case "a number":
		return "数字"
	case "true or false":
		return "true 或 false"
	case "an array":
		return "数组"
	case "an RFC 3339 time string":
		return "RFC 3339 时间字符串"
	case "a string":
		return "字符串"
	}
	return "对象"
}

// Query parameters.

func pathID(r *http.Request, name string) (int64, error) {
	v, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || v <= 0 {
		return 0, &fenliu.Error{Code: fenliu.ENotFound, Field: name, ZH: "编号无效：" + safe(r.PathValue(name)), EN: "invalid id: " + safe(r.PathValue(name))}
	}
	return v, nil
}

func queryInt(r *http.Request, name string) (int64, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0, nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < 0 {
		return 0, &fenliu.Error{Code: fenliu.EInvalid, Field: name, ZH: "参数「" + name + "」必须是非负整数", EN: "query parameter " + name + " must be a non-negative integer"}
	}
	return v, nil
}

func queryTime(r *http.Request, name string) (time.Time, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, &fenliu.Error{Code: fenliu.EInvalid, Field: name, ZH: "参数「" + name + "」必须是 RFC 3339 时间", EN: "query parameter " + name + " must be an RFC 3339 time"}
	}
	return t, nil
}

func safe(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "?")
	}
	if len(s) > 40 {
		s = s[:40]
	}
	return s
}

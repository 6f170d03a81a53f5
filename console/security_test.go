package console_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/server"
)

var testPNG = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 300)...)

// part is one part of a multipart form: a field, or a file when name is set.
type part struct{ field, value, file string }

func multipartBody(parts []part, data map[string][]byte) (io.Reader, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, p := range parts {
		if p.file == "" {
			mw.WriteField(p.field, p.value)
			continue
		}
		w, _ := mw.CreateFormFile(p.field, p.file)
		w.Write(data[p.file])
	}
	mw.Close()
	return &b, mw.FormDataContentType()
}

func (s *site) postMultipart(c *http.Client, path string, body io.Reader, ctype string) (int, string) {
	s.t.Helper()
	req, _ := http.NewRequest("POST", s.url+path, body)
	req.Header.Set("Content-Type", ctype)
	resp, err := c.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (s *site) uploads() int64 {
	s.t.Helper()
	st, err := s.a.UploadStats(context.Background())
	if err != nil {
		s.t.Fatal(err)
	}
	return st.Files
}

// order records a diverted incident from a caller with an order for unit A.
func (s *site) order(t *testing.T) (*fenliu.Incident, *fenliu.Order) {
	t.Helper()
	ctx := context.Background()
	taker := &fenliu.User{ID: s.ids["taker"], Role: fenliu.RoleCallTaker}
	inc, _, err := s.a.Intake(ctx, taker, fenliu.IncidentInput{Channel: fenliu.Channel110, Text: "楼下烧烤摊太吵", CallerName: "李四", CallerPhone: "13912345678"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.a.Decide(ctx, taker, inc.ID, fenliu.DecisionInput{Disposition: fenliu.DispDivert}); err != nil {
		t.Fatal(err)
	}
	orders, err := s.a.Dispatch(ctx, taker, inc.ID, fenliu.DispatchInput{Orders: []fenliu.OrderSpec{{UnitID: s.ids["A"], Role: fenliu.OrderLead}}})
	if err != nil {
		t.Fatal(err)
	}
	return inc, orders[0]
}

// TestUploadsOverHTTP: a form's token is checked before any file is read;
// a body over the cap is refused as it streams; photos to an order the
// user may not act on, or in the wrong state, are not kept; an anonymous
// report with one bad file keeps nothing and still counts against the
// address's allowance; a kept photo is served only to who may see it.
func TestUploadsOverHTTP(t *testing.T) {
	s := newSite(t)
	_, o := s.order(t)
	ua, csrf := s.login("a", pw("a"))
	ub, csrfB := s.login("b", pw("b"))
	act := "/orders/" + strconv.FormatInt(o.ID, 10) + "/act/"
	files := map[string][]byte{"p.png": testPNG, "x.exe": []byte("MZ not an image at all")}

	// A file before the token: refused before the file is read.
	body, ct := multipartBody([]part{{field: "photo", file: "p.png"}, {field: "csrf", value: csrf}, {field: "note", value: "照片"}}, files)
	if st, _ := s.postMultipart(ua, act+"feedback", body, ct); st != http.StatusForbidden {
		t.Errorf("a file before the token: %d", st)
	}
	// Wrong state (not signed for yet), then another unit: nothing kept.
	body, ct = multipartBody([]part{{field: "csrf", value: csrf}, {field: "note", value: "照片"}, {field: "photo", file: "p.png"}}, files)
	if st, _ := s.postMultipart(ua, act+"feedback", body, ct); st != http.StatusConflict {
		t.Errorf("feedback before signing: %d", st)
	}
	body, ct = multipartBody([]part{{field: "csrf", value: csrfB}, {field: "note", value: "照片"}, {field: "photo", file: "p.png"}}, files)
	if st, _ := s.postMultipart(ub, act+"feedback", body, ct); st != http.StatusNotFound {
		t.Errorf("another unit's photos: %d", st)
	}
	// A body over the cap: 413 as it streams in, whatever it claims.
	huge := io.MultiReader(strings.NewReader("--x\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n"+csrf+"\r\n--x\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"big.png\"\r\n\r\n"),
		bytes.NewReader(testPNG), io.LimitReader(zeros{}, 60<<20))
	if st, _ := s.postMultipart(ua, act+"feedback", huge, "multipart/form-data; boundary=x"); st != http.StatusRequestEntityTooLarge {
		t.Errorf("a 60 MiB photo: %d", st)
	}
	if n := s.uploads(); n != 0 {
		t.Fatalf("%d uploads kept after refusals", n)
	}
	// Signed for, the feedback keeps its photo.
	if st, _, _ := s.post(ua, act+"sign", url.Values{"csrf": {csrf}}); st != http.StatusSeeOther {
		t.Fatalf("sign: %d", st)
	}
	body, ct = multipartBody([]part{{field: "csrf", value: csrf}, {field: "note", value: "已处理"}, {field: "photo", file: "p.png"}}, files)
	if st, b := s.postMultipart(ua, act+"feedback", body, ct); st != http.StatusSeeOther {
		t.Fatalf("feedback with a photo: %d %s", st, b)
	}
	if n := s.uploads(); n != 1 {
		t.Fatalf("%d uploads after the feedback", n)
	}
	_, page := s.get(ua, "/orders/"+strconv.FormatInt(o.ID, 10))
	i := strings.Index(page, `src="/uploads/`)
	if i < 0 {
		t.Fatal("the order page shows no photo")
	}
	photo := page[i+5 : i+5+strings.IndexByte(page[i+5:], '"')]
	if st, _ := s.get(ua, photo); st != http.StatusOK {
		t.Errorf("the unit's photo: %d", st)
	}
	if st, _ := s.get(ub, photo); st != http.StatusNotFound {
		t.Errorf("another unit fetching the photo by its URL: %d", st)
	}

	// Citizens: each post counts, kept or refused; a bad file keeps nothing.
	citizen := s.browser()
	_, form := s.get(citizen, "/report")
	m := csrfRe.FindStringSubmatch(form)
	if m == nil {
		t.Fatal("no token on the report page")
	}
	statuses := []int{}
	for i := 0; i < 7; i++ {
		body, ct := multipartBody([]part{{field: "csrf", value: m[1]}, {field: "text", value: "路灯坏了"}, {field: "phone", value: "13900000000"},
			{field: "photo", file: "p.png"}, {field: "photo", file: "x.exe"}}, files)
		st, _ := s.postMultipart(citizen, "/report", body, ct)
		statuses = append(statuses, st)
	}
	if statuses[0] != http.StatusUnsupportedMediaType || statuses[4] != http.StatusUnsupportedMediaType || statuses[5] != http.StatusTooManyRequests || statuses[6] != http.StatusTooManyRequests {
		t.Errorf("seven reports with a bad file: %v, want 415 ×5 then 429", statuses)
	}
	if n := s.uploads(); n != 1 {
		t.Errorf("%d uploads after the citizens' bad reports, want 1", n)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestDiskNearlyFull: below the free space the server must keep, /readyz
// says so (503, with the reason), uploads are refused with 503 — and a call
// without photos is still recorded (有警必录).
func TestDiskNearlyFull(t *testing.T) {
	s := newSite(t, func(c *server.Config) { c.MinFreeDisk = 1 << 60 })
	resp, err := http.Get(s.url + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(b), `"name":"disk","ok":false`) {
		t.Errorf("/readyz with the disk nearly full: %d %s", resp.StatusCode, b)
	}
	if resp, err := http.Get(s.url + "/healthz"); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz: %v %v", resp, err)
	}
	citizen := s.browser()
	_, form := s.get(citizen, "/report")
	m := csrfRe.FindStringSubmatch(form)
	body, ct := multipartBody([]part{{field: "csrf", value: m[1]}, {field: "text", value: "井盖丢了"}, {field: "phone", value: "13900000000"},
		{field: "photo", file: "p.png"}}, map[string][]byte{"p.png": testPNG})
	if st, _ := s.postMultipart(citizen, "/report", body, ct); st != http.StatusServiceUnavailable {
		t.Errorf("a report with a photo on a full disk: %d", st)
	}
	st, _, loc := s.post(citizen, "/report", url.Values{"csrf": {m[1]}, "text": {"井盖丢了"}, "phone": {"13900000000"}})
	if st != http.StatusSeeOther || !strings.HasPrefix(loc, "/track?no=") {
		t.Errorf("a report without photos: %d %s", st, loc)
	}
}

// TestRevealOverHTTP: the unit handling the order sees the caller masked
// and reveals it with a reason, which the access log keeps; a cross-site
// post is refused before its body is read.
func TestRevealOverHTTP(t *testing.T) {
	s := newSite(t)
	inc, o := s.order(t)
	ua, csrf := s.login("a", pw("a"))
	_, page := s.get(ua, "/orders/"+strconv.FormatInt(o.ID, 10))
	if strings.Contains(page, "13912345678") || !strings.Contains(page, "139****5678") || !strings.Contains(page, `action="/incidents/`+strconv.FormatInt(inc.ID, 10)+`/reveal"`) {
		t.Fatalf("the order page does not mask the caller with a reveal")
	}
	st, frag, _ := s.post(ua, "/incidents/"+strconv.FormatInt(inc.ID, 10)+"/reveal", url.Values{"csrf": {csrf}, "reason": {"回电核实"}})
	if st != http.StatusOK || !strings.Contains(frag, "13912345678") || !strings.Contains(frag, "李四") {
		t.Fatalf("reveal: %d %s", st, frag)
	}
	admin := &fenliu.User{ID: 1, Role: fenliu.RoleAdmin}
	log, err := s.a.AccessLog(context.Background(), admin, app.AccessFilter{Kind: "reveal"})
	if err != nil || len(log) != 1 || log[0].UserID != s.ids["a"] || log[0].Reason != "回电核实" {
		t.Errorf("the access log: %+v %v", log, err)
	}
	req, _ := http.NewRequest("POST", s.url+"/login", strings.NewReader("username=a&password="+pw("a")))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://evil.example")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("a cross-site sign-in: %d", resp.StatusCode)
	}
}

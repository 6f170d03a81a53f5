package console_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestLinkedSystemsInBrowser: an administrator adds a linked system in the
// browser, sees its secret once, and opens its page (screenshots
// 12-subscribers, 13-subscriber).
func TestLinkedSystemsInBrowser(t *testing.T) {
	w := newWorld(t)
	ctx := w.user(t, "admin")
	must(t, chromedp.Do(ctx, chromedp.Navigate(w.url+"/admin"), chromedp.Click(chromedp.CSS(`a[href="/admin/subscribers"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/admin/subscribers"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=name]`), "12345 政务服务平台"),
		chromedp.SendKeys(chromedp.CSS(`input[name=url]`), "http://127.0.0.1:9/fenliu/hook"),
		chromedp.SetValue(chromedp.CSS(`input[name=retry_for]`), "48h"),
		chromedp.Click(chromedp.CSS(`form[action="/admin/subscribers"] button.primary`)),
		chromedp.WaitVisible(chromedp.CSS(`code.secret`))))
	if s := text(t, ctx, "code.secret"); !strings.HasPrefix(s, "whsec_") {
		t.Fatalf("secret shown: %q", s)
	}
	w.shot(t, ctx, "12-subscribers")
	must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`table a[href^="/admin/subscribers/"]`)), chromedp.WaitVisible(chromedp.ID("deliveries"))))
	if h := text(t, ctx, "h1"); h != "12345 政务服务平台" {
		t.Fatalf("subscriber page: %q", h)
	}
	w.shot(t, ctx, "13-subscriber")
}

package console_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestCallerRevealInBrowser: the unit handling an order sees the caller
// masked and reveals it with a reason, swapped in place; a leader sees it
// masked with no way to reveal.
func TestCallerRevealInBrowser(t *testing.T) {
	w := newWorld(t)
	_, o := w.dispatch(t, w.ids["JN-urban_management"], "小区门口垃圾堆了三天没人清")
	page := fmt.Sprintf("%s/orders/%d", w.url, o.ID)

	ctx := w.user(t, "unit-jn-urban_management")
	must(t, chromedp.Do(ctx, chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS(`#caller form.reveal`))))
	if s := text(t, ctx, "#caller"); !strings.Contains(s, "139****6666") || strings.Contains(s, "13955556666") {
		t.Fatalf("the unit sees %q before revealing", s)
	}
	w.shot(t, ctx, "40-caller-masked")
	must(t, chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#caller input[name=reason]`), "回电核实现场情况"),
		chromedp.Click(chromedp.CSS(`#caller button`))))
	waitText(t, ctx, "#caller", func(s string) bool { return strings.Contains(s, "13955556666") })
	w.shot(t, ctx, "41-caller-revealed")

	lctx := w.user(t, "leader")
	must(t, chromedp.Do(lctx, chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS(`#caller`))))
	if s := text(t, lctx, "#caller"); !strings.Contains(s, "139****6666") {
		t.Fatalf("the leader sees %q", s)
	}
	forms, err := chromedp.Run(lctx, chromedp.Evaluate[int](`document.querySelectorAll("#caller form").length`))
	if err != nil {
		t.Fatal(err)
	}
	if forms != 0 {
		t.Error("the leader is offered a reveal")
	}
	w.shot(t, lctx, "42-caller-leader")
}

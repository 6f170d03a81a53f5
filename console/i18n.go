package console

import "fmt"

// messages is the console's one message catalogue: key → {zh, en}.
var messages = map[string][2]string{
	"app.name":        {"分流 · 非警务警情分流联动", "Fenliu · non-police call diversion"},
	"app.short":       {"分流", "Fenliu"},
	"nav.desk":        {"接警台", "Call desk"},
	"nav.linkage":     {"联动专席", "Linkage desk"},
	"nav.inbox":       {"本单位工单", "Unit inbox"},
	"nav.supervise":   {"督办", "Supervision"},
	"nav.callbacks":   {"回访", "Callbacks"},
	"nav.dashboard":   {"指挥看板", "Dashboard"},
	"nav.admin":       {"系统管理", "Administration"},
	"nav.report":      {"群众上报", "Report a matter"},
	"nav.logout":      {"退出", "Sign out"},
	"nav.lang":        {"English", "中文"},
	"nav.live":        {"实时", "Live"},
	"login.title":     {"登录", "Sign in"},
	"login.username":  {"用户名", "Username"},
	"login.password":  {"密码", "Password"},
	"login.submit":    {"登录", "Sign in"},
	"login.throttled": {"登录失败次数过多，请 %d 分钟后再试", "Too many failed sign-ins; try again in %d minutes"},
	"login.public":    {"群众上报诉求、查询办理进度无需登录：", "Citizens report a matter or follow its progress without signing in:"},
	"error.title":     {"出错了", "Something went wrong"},
	"error.back":      {"返回", "Back"},

	"order.title":         {"工单 #%d", "Work order #%d"},
	"order.unit":          {"承办单位", "Unit"},
	"order.role":          {"角色", "Role"},
	"order.role.lead":     {"主办", "Lead"},
	"order.role.assist":   {"协办", "Assisting"},
	"order.state":         {"状态", "State"},
	"order.dispatched":    {"派单时间", "Dispatched"},
	"order.due.sign":      {"签收时限", "Sign by"},
	"order.due.arrive":    {"到达时限", "Arrive by"},
	"order.due.feedback":  {"反馈时限", "Feed back by"},
	"order.due.close":     {"办结时限", "Close by"},
	"order.left":          {"剩余", "left"},
	"order.overdue":       {"已超时", "overdue"},
	"order.feedback":      {"处理反馈", "Feedback"},
	"order.note":          {"说明", "Note"},
	"order.note.feedback": {"处理情况（必填）", "What was done (required)"},
	"order.note.return":   {"退回理由（必填）", "Why it is not your unit's (required)"},
	"order.photo":         {"现场照片", "Photos"},
	"order.location":      {"附上我的位置", "Attach my location"},
	"order.actions":       {"办理", "Actions"},
	"order.none":          {"暂无工单", "No work orders"},
	"order.matter":        {"诉求", "Matter"},
	"order.address":       {"地址", "Address"},
	"order.caller":        {"报警人", "Caller"},
	"order.open":          {"查看", "Open"},
	"order.new_alert":     {"有新工单！", "New work order!"},
	"order.returns":       {"退回 %d 次", "returned %d×"},
	"order.reopens":       {"重办 %d 次", "reopened %d×"},
	"order.reroute_to":    {"改派给", "Re-route to"},
	"order.solved":        {"问题是否解决", "Solved?"},
	"order.satisfaction":  {"满意度", "Satisfaction"},
	"order.complaint":     {"群众投诉办理情况", "The caller complains about the handling"},
	"yes":                 {"是", "Yes"},
	"no":                  {"否", "No"},
	"sat.satisfied":       {"满意", "Satisfied"},
	"sat.basic_satisfied": {"基本满意", "Basically satisfied"},
	"sat.unsatisfied":     {"不满意", "Unsatisfied"},

	"inbox.title":  {"本单位工单", "Unit inbox"},
	"inbox.todo":   {"待办", "To do"},
	"inbox.doing":  {"办理中", "In hand"},
	"inbox.done":   {"已办结", "Done"},
	"inbox.filter": {"筛选", "Filter"},

	"incident.title":     {"警情 #%d", "Incident #%d"},
	"incident.timeline":  {"全程留痕", "Full record"},
	"incident.orders":    {"工单", "Work orders"},
	"incident.map":       {"位置", "Location"},
	"incident.nomap":     {"未提供位置", "No location given"},
	"incident.received":  {"接警时间", "Received"},
	"incident.channel":   {"来源", "Channel"},
	"incident.tracking":  {"查询编号", "Tracking number"},
	"incident.decision":  {"定性", "Disposition"},
	"incident.category":  {"事项", "Category"},
	"incident.hotline":   {"引导热线", "Hotline"},
	"incident.repeat":    {"重复报警，关联警情 #%d", "Repeat call, linked to incident #%d"},
	"incident.attach":    {"附件", "Attachments"},
	"incident.undecided": {"待定性", "Not decided"},

	"disp.police":   {"警务（派警）", "Police"},
	"disp.joint":    {"应急联动", "Joint emergency"},
	"disp.divert":   {"非警务分流", "Divert"},
	"disp.redirect": {"引导至其他热线", "Redirect"},

	"channel.110":     {"110", "110"},
	"channel.12345":   {"12345", "12345"},
	"channel.grid":    {"网格员", "Grid worker"},
	"channel.citizen": {"群众自报", "Citizen"},
	"channel.api":     {"系统接口", "API"},

	"ev.intake":   {"录入", "Recorded"},
	"ev.decide":   {"定性", "Decided"},
	"ev.dispatch": {"派单", "Dispatched"},
	"ev.triage":   {"研判", "Triage"},
	"ev.note":     {"备注", "Note"},
	"ev.sign":     {"签收", "Signed for"},
	"ev.arrive":   {"到达", "Arrived"},
	"ev.feedback": {"反馈", "Fed back"},
	"ev.verify":   {"核准办结", "Verified and closed"},
	"ev.reopen":   {"重办", "Reopened"},
	"ev.return":   {"退回", "Returned"},
	"ev.reroute":  {"改派", "Re-routed"},
	"ev.cancel":   {"撤销", "Cancelled"},
	"ev.callback": {"回访", "Called back"},
}

// translate returns the message for key in lang ("zh" or "en"), formatted
// with args; an unknown key shows itself so a missing entry is visible.
func translate(lang, key string, args ...any) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	s := m[0]
	if lang == "en" {
		s = m[1]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

package triage

import (
	_ "embed"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/fenliu/fenliu"
)

// CueKind is a kind of danger the safety layer looks for.
type CueKind string

const (
	CueWeapon    CueKind = "weapon"
	CueViolence  CueKind = "violence"
	CueThreat    CueKind = "threat"
	CueDomestic  CueKind = "domestic_violence"
	CueSexual    CueKind = "sexual_offence"
	CueCaptive   CueKind = "captive" // kidnap, held, cries for help
	CueTrapped   CueKind = "trapped"
	CueSuicide   CueKind = "suicide"
	CueDrowning  CueKind = "drowning"
	CueFall      CueKind = "fall"
	CueMissing   CueKind = "missing_person"
	CueFire      CueKind = "fire"
	CueExplosion CueKind = "explosion"
	CueGas       CueKind = "gas_leak"
	CueInjury    CueKind = "injury_illness"
	CueTraffic   CueKind = "traffic_injury"
	CueDrunk     CueKind = "drunk_driving"
	CueTheft     CueKind = "theft_robbery"
	CueFraud     CueKind = "fraud"
	CueVice      CueKind = "drugs_gambling"
	CueDisorder  CueKind = "public_disorder"
	CueStalking  CueKind = "suspicious_person"
)

// cueInfo says what a kind of danger needs.
type cueInfo struct {
	zh, en   string
	units    []fenliu.UnitType // emergency units it brings besides police
	category string            // the shared default category for it
	// hypo: "afraid it will catch fire" is a hazard report, not a fire;
	// for kinds where it is set, a hypothetical marker weakens the cue.
	hypo bool
}

var cueInfos = map[CueKind]cueInfo{
	CueWeapon:    {"持械", "weapon", nil, "public_safety.threat", false},
	CueViolence:  {"暴力冲突", "violence", nil, "public_safety.fight", false},
	CueThreat:    {"威胁人身安全", "threat to harm", nil, "public_safety.threat", false},
	CueDomestic:  {"家庭暴力", "domestic violence", nil, "public_safety.domestic_violence", false},
	CueSexual:    {"性侵害/猥亵", "sexual offence", nil, "public_safety.threat", false},
	CueCaptive:   {"人身被控制/呼救", "person held or crying for help", nil, "persons.missing", false},
	CueTrapped:   {"人员被困", "person trapped", []fenliu.UnitType{fenliu.UTFireRescue, fenliu.UTMedicalEmergency}, "emergency.person_trapped", true},
	CueSuicide:   {"轻生危险", "suicide risk", []fenliu.UnitType{fenliu.UTFireRescue, fenliu.UTMedicalEmergency}, "emergency.suicide_risk", false},
	CueDrowning:  {"落水", "drowning", []fenliu.UnitType{fenliu.UTFireRescue, fenliu.UTMedicalEmergency}, "emergency.person_trapped", true},
	CueFall:      {"人员坠落", "person falling", []fenliu.UnitType{fenliu.UTMedicalEmergency, fenliu.UTFireRescue}, "emergency.injury_illness", true},
	CueMissing:   {"人员走失", "missing person", nil, "persons.missing", false},
	CueFire:      {"火情", "fire", []fenliu.UnitType{fenliu.UTFireRescue, fenliu.UTMedicalEmergency}, "emergency.fire", true},
	CueExplosion: {"爆炸", "explosion", []fenliu.UnitType{fenliu.UTFireRescue, fenliu.UTMedicalEmergency}, "emergency.gas_leak_explosion", true},
	CueGas:       {"燃气泄漏", "gas leak", []fenliu.UnitType{fenliu.UTFireRescue, fenliu.UTGas}, "emergency.gas_leak_explosion", true},
	CueInjury:    {"人员受伤/急病", "injury or sudden illness", []fenliu.UnitType{fenliu.UTMedicalEmergency}, "emergency.injury_illness", true},
	CueTraffic:   {"交通事故伤人", "traffic accident with injuries", []fenliu.UnitType{fenliu.UTTrafficPolice, fenliu.UTMedicalEmergency}, "emergency.traffic_injury", true},
	CueDrunk:     {"酒驾醉驾", "drunk driving", []fenliu.UnitType{fenliu.UTTrafficPolice}, "", false},
	CueTheft:     {"盗抢", "theft or robbery", nil, "property_crime.theft", false},
	CueFraud:     {"诈骗", "fraud", nil, "fraud.telecom_fraud", false},
	CueVice:      {"涉毒涉赌", "drugs or gambling", nil, "", false},
	CueDisorder:  {"扰乱公共秩序", "public disorder", nil, "public_safety.fight", false},
	CueStalking:  {"可疑人员", "suspicious person", nil, "", false},
}

// cuePatterns: phrase → kind; a leading '~' marks a weak cue (it leans the
// answer to the police side but does not decide on its own).
var cuePatterns = map[CueKind][]string{
	CueWeapon: {"一把刀", "把刀", "长刀", "短刀", "折叠刀", "杀猪刀", "剔骨刀", "镰刀", "掏出刀", "亮刀", "动刀", "棒球棍", "甩棍", "电棍", "铁链", "碎酒瓶", "啤酒瓶", "酒瓶子", "拿凳子", "抡凳子", "板凳砸", "硫酸", "~汽油", "~刀", "持刀", "拿刀", "拿着刀", "拿把刀", "提着刀", "举着刀", "挥刀", "菜刀", "砍刀", "西瓜刀", "刀子", "匕首", "水果刀", "弹簧刀",
		"拿棍", "~铁棍", "棍棒", "~木棍", "~钢管", "拿着棍", "拿砖头", "拿斧头", "~斧头", "猎枪", "手枪", "有枪", "拿枪", "持枪", "弓弩",
		"持械", "凶器", "拿着剪刀", "拿剪刀", "铁锹打", "拿铁锹", "拿锤子", "拿着锤子", "扳手砸"},
	CueViolence: {"~抱着头", "~抱头蹲", "头上砸", "往头上砸", "往人头上", "扭在一块", "扭在一起", "扭打", "推下去了", "推倒在地", "推下楼梯", "推下台阶", "从台阶上推", "互相打", "打成一团", "围着踢", "围着打", "拳打脚踢", "按在地上", "掐脖子", "掐住脖子", "薅头发", "揪头发", "拿着扁担", "拿扁担打", "拿棍子打", "拿砖头", "酒瓶砸", "砖头砸", "砸人", "往身上踹", "踹倒", "一脚踹", "追着打", "追着人打", "按地上打", "按在地上打", "冲过来打", "冲上来打", "围着打", "~在砸", "砸窗口", "砸柜台", "车窗砸了", "车窗砸", "窗户砸了", "玻璃砸了", "门砸了", "~砸了", "的头往", "头往墙上撞", "抓着头", "抓着我", "~乱骂", "扭在一起", "扭成一团", "拉不开", "拉都拉不开", "打成一团", "就动手", "要打人", "~动手", "砸人", "砸我", "砸他", "砸她", "砸头", "踢了", "踢我", "踢他", "踢她", "踹了", "踹我", "踹他", "踹她", "扇了", "扇他", "扇她", "耳光", "嘴巴子", "一拳", "两拳", "几拳", "拳头", "掐住", "捅我", "捅他", "捅她", "劈死", "劈人", "砍我", "砍他", "砍她", "砍谁", "砍门", "推我", "把他推倒", "把她推倒", "把我推倒", "按在地上", "按着打", "打相打", "身上全是伤", "身上都是伤", "打残", "打断", "往墙上撞", "抓着头发", "扯着头发", "揪头发", "咬我", "勒住", "~推倒", "摔东西", "呼救", "~哭喊", "~尖叫", "~惨叫", "~喊叫", "打架", "打人", "殴打", "斗殴", "群殴", "打起来", "打起来了", "动手了", "要动手", "动起手", "动手打", "打我", "被打", "挨打",
		"揍我", "揍人", "被揍", "扭打", "厮打", "砍人", "~砍了", "捅人", "~捅了", "砍伤", "刺伤", "打伤", "打破头", "打得头破",
		"打砸", "砸东西", "砸车", "砸门", "砸店", "砸玻璃", "踹门", "掐脖子", "掐我", "拳打脚踢", "扇耳光", "扇我", "打耳光",
		"~打他", "~打她", "围殴", "围着打", "追着打", "~暴力", "施暴", "互殴", "~推倒", "撕打", "抓伤", "~咬人", "打死人",
		"~推搡", "~推了", "~吵起来", "~吵得很凶", "~要打起来", "~快打起来", "~情绪激动", "~揪着", "~拉扯", "~撕扯", "~动粗",
		"~冲突", "~发酒疯", "~耍酒疯", "~撒酒疯", "~醉汉"},
	CueThreat: {"每个月要交", "不交就天天", "不交就掀", "掀摊子", "归他们管", "保护费", "收什么管理费", "P成遗照", "遗照", "~就上门", "~上门找你", "爆通讯录", "不给钱就不让", "就不让搬", "不给钱不让走", "~扣下了", "威胁", "要炸", "炸学校", "打断腿", "打断你", "卸我", "卸你", "杀你", "杀全家", "杀你全家", "要你好看", "让我好看", "让你好看", "见我一次打一次", "弄残", "~出事", "~你等着", "~等着瞧", "~好看", "杀了你", "杀了他", "杀了她", "杀人", "要杀", "弄死", "砍死", "打死你", "捅死", "整死", "同归于尽", "恐吓", "扬言",
		"要报复", "报复社会", "泼汽油", "浇汽油", "泼硫酸", "放火烧", "要放火", "炸了你", "炸死", "要你命", "~不放过"},
	CueDomestic: {"狠抽孩子", "抽孩子", "衣架抽", "衣架打", "打孩子", "追住我打", "追着我打", "拿皮带抽", "用皮带抽", "皮带追", "针扎", "用针扎", "扎孩子", "掐孩子", "打孩子的", "体罚", "男朋友打", "男友打", "先生打", "继父打", "后爸打", "儿子打", "爸爸打", "爸打", "妈打", "控制我", "不让我出门", "关在房间", "关在屋里", "家里打", "家暴", "家庭暴力", "打老婆", "打媳妇", "打妻子", "老公打", "丈夫打", "男人打我", "老婆打", "打孩子", "虐待", "被关在家"},
	CueSexual:   {"摸女学生", "摸女孩", "摸孩子的", "摸她的手", "动手动脚", "摸我女儿", "亲我女儿", "小摄像头", "插座孔里有", "藏摄像头", "偷装摄像头", "装了摄像头", "往我腿上", "摸我腿", "手往我身上", "藏了个摄像头", "藏了摄像头", "藏着摄像头", "针孔摄像头", "试衣间有摄像头", "~蹭", "~贴着", "猥亵", "强奸", "性侵", "耍流氓", "露阴", "脱裤子", "偷拍", "摸我", "摸她", "性骚扰", "咸猪手", "裙底"},
	CueCaptive: {"司机就不开门", "就不开车门", "不让我们下车", "锁着车门不让", "不给钱就不开门", "不给钱不让下车", "不给钱就不让走", "不开门不让下", "不让下车", "不让我下车", "要下车他也不停", "把车门锁了", "锁了车门", "车门锁死", "往郊区开", "今天走不了", "不给钱不让走", "~不让我们走", "不让走", "不让出去", "不让出门", "不让离开", "扣了身份证", "扣了我们身份证", "关在宿舍", "关在屋里", "~关在", "救命", "救我", "绑架", "被绑", "绑走", "人质", "非法拘禁", "不让我走", "不让她走", "~关起来", "锁在屋", "控制了人身",
		"拐卖", "拐走", "被拐", "抢孩子", "抱走", "拖上车", "拉上车", "强行带走"},
	CueTrapped: {"底下压着", "压着一个", "腿被压住", "被压住出不来", "压在底下出不来", "卷进去了", "把胳膊卷", "把手卷", "卷进机器", "机器没停", "爬到车顶", "站在车顶", "水还在涨", "水越涨越高", "被水围", "困在水里", "往下坠", "电梯坠", "电梯掉下", "停在半空", "卡在半空", "按警铃没人", "车里有人", "泡在水里", "有人在拍窗", "拍车窗", "困在车里", "车门打不开", "门打不开人在里面", "头卡在", "手卡在", "脚卡在", "腿卡在", "~拔不出来", "坍塌", "倒塌", "塌方", "里面还有人", "里面有人", "压着人", "埋着人", "~塌了", "倒在里面", "下去救", "化粪池里", "下水道里有人", "井下有人", "电梯卡", "里面关着", "关着人", "困电梯", "~出不去了", "困了人", "被卡住", "卡在里面", "被困", "困在", "困住", "电梯困人", "关在电梯", "卡在电梯", "电梯里出不来", "压在下面", "压在底下", "~被压", "被埋",
		"~埋在", "塌了压", "锁在车里", "锁在车内", "卡住了人", "人卡在", "~卡住", "~出不来", "~反锁", "~困了"},
	CueSuicide: {"翻出护栏", "翻出去", "翻过护栏", "蹲在外沿", "站在外沿", "护栏外面", "桥外沿", "~把鞋脱了", "就跳下来", "就跳下去", "爬到塔吊", "药都吞了", "吞了一瓶", "吃了一整瓶", "吞了一整瓶", "~说再见", "~永别了", "跳楼", "跳河", "跳江", "跳湖", "跳桥", "跳海", "要跳", "想跳", "轻生", "自杀", "自尽", "不想活", "想死", "寻死", "活不下去",
		"割腕", "安眠药", "喝农药", "喝药", "吞药", "上吊", "楼顶边", "天台边", "坐在楼顶", "站在楼顶", "站在天台", "坐在天台",
		"站在桥", "坐在桥", "桥栏杆外", "窗台外", "想不开", "遗书"},
	CueDrowning: {"沉下去了", "沉下去没", "没冒头", "没浮上来", "没上来", "落水", "溺水", "掉河里", "掉进河", "掉水里", "掉进水", "掉湖里", "掉进湖", "掉进池塘", "掉塘里", "掉进江", "掉江里",
		"掉海里", "被水冲走", "冲走了", "淹死", "淹着", "掉井里", "掉进井", "掉进化粪池", "掉进粪池", "掉进水库"},
	CueFall: {"悬着", "骑在防盗窗", "防盗窗外面", "挂在窗外", "吊在窗外", "坠楼", "从楼上掉", "从楼上摔", "人掉下", "人摔下", "摔下来了", "掉下去了", "高空坠落", "坠落", "掉进坑", "掉坑里", "~掉下去", "~摔下来"},
	CueMissing: {"说不清楚家在哪", "说不清家在哪", "不知道家在哪", "找不到家", "记不得家", "穿着睡衣", "~问她家在哪", "~问他家在哪", "我走不了", "别给我打钱", "让我们别找他", "别找我了", "没回教室", "都说没看见他", "都说没看见她", "谁都没看见他", "一直找不到人", "没有回家", "一直没有回家", "没有到学校", "根本没有到学校", "少了一个小朋友", "少了一个学生", "少了个小朋友", "点名少了", "没回家", "没到学校", "没去学校", "根本没到学校", "放学没接到", "~一天没消息", "~没消息了", "少了一个孩子", "少了个孩子", "~没找到", "~找遍了", "儿子不见了", "女儿不见了", "孙子不见了", "孙女不见了", "娃不见了", "小孩不见了", "儿子找不到", "女儿找不到", "小孩找不到", "放学没回家", "~找不到了", "人找不到", "没回来", "联系不上了", "~走了一天", "~一夜没回", "走丢", "走失", "失踪", "孩子丢了", "孩子不见了", "孩子找不到", "找不到孩子", "找不到我家孩子", "~找不到人了", "老人不见了", "人不见了",
		"不知去向", "下落不明", "离家出走", "一直没回家", "~不见了", "~联系不上", "~没回家"},
	CueFire: {"冒浓烟了", "发动机冒烟", "车冒烟了", "~喊大家下车", "引燃了", "点燃了", "烟大得看不清", "~冒浓烟", "~冒黑烟", "灭不掉", "灭不了", "扑不灭", "呼一下着了", "着起来了", "烧着了", "很大的火", "好大的火", "火好大", "大火", "被人点了", "被点了", "烧了一半", "故意烧", "点着了", "纵火", "~烧了", "着火", "着了火", "起火", "失火", "火灾", "烧起来", "火苗", "明火", "冒火", "火势", "~浓烟", "烧着了", "火光", "~火烧", "大火",
		"烧了起来", "火很大", "火着", "窜火", "自燃", "燃起来", "~燃烧", "~冒烟", "~烟味", "~烧焦", "~焦糊味", "~糊味", "~烧东西", "~冒火星"},
	CueExplosion: {"~响了一声", "~砰的一声", "~轰的一声", "刚才炸了", "突然炸了", "炸了一声", "炸了好几", "锅炉炸", "锅炉爆", "气罐炸", "煤气罐炸", "液化气罐炸", "罐子炸", "炸飞", "炸塌", "炸响", "爆炸", "爆燃", "炸开", "炸伤", "炸死", "炸药", "雷管", "~炸了", "~巨响", "~爆了"},
	CueGas: {"瓦斯味", "冒瓦斯", "瓦斯漏", "瓦斯外泄", "瓦斯泄漏", "味道越来越重", "气味越来越重", "~越来越浓", "~黄烟", "~咳嗽", "化学品泄漏", "危化品泄漏", "毒气泄漏", "氨气泄漏", "氯气泄漏", "氯气", "硫化氢", "浓的煤气味", "煤气味很浓", "煤气味很重", "煤气味很大", "浓的燃气味", "燃气味很浓", "燃气味很重", "燃气味很大", "浓的天然气味", "天然气味很重", "天然气味很浓", "全是煤气味", "全是燃气味", "全是天然气味", "满屋子煤气", "一屋子煤气", "煤气泄漏", "燃气泄漏", "天然气泄漏", "液化气泄漏", "漏煤气", "漏燃气", "煤气中毒", "一氧化碳", "燃气中毒",
		"~漏气", "~煤气味", "~燃气味", "~天然气味", "~液化气味", "~气味很大", "~闻到煤气", "~闻到燃气", "~闻到天然气", "~泄漏", "~化学品", "~毒气"},
	CueInjury: {"敲窗户也没反应", "敲门也没反应", "一直没开门", "~炭味", "烧炭盆", "~煤烟味", "压到脖子", "压住脖子", "不会动了", "动不了了", "砸到头", "砸中头", "血止不住", "止不住血", "流血不止", "肉都翻出来", "后脑着地", "头着地", "从楼梯上滚下", "滚下来了", "~迷糊", "浑身是血", "全身是血", "身上全是血", "突然倒了", "突然倒下", "脸发紫", "没气了", "没有气了", "翻白眼", "叫不应", "喊不应", "~直吐", "闻了以后吐", "闻了就吐", "胸口疼", "胸口痛", "心口疼", "满头冷汗", "~出冷汗", "~脸色发白", "~嘴唇发紫", "在吐", "吐了好几", "没力气了", "~肚子疼", "~肚子痛", "都在吐", "站都站不", "站不住", "站不稳", "食物中毒", "集体中毒", "~拉肚子", "~上吐下泻", "躺在地上", "躺地上", "一动不动", "~呕吐", "~头晕", "受伤", "受了伤", "伤了人", "流血", "出血", "头破血流", "满脸是血", "一身血", "昏迷", "晕倒", "晕过去", "昏过去", "倒在地上", "倒地",
		"不省人事", "抽搐", "没有呼吸", "没呼吸", "呼吸困难", "喘不上气", "骨折", "烫伤", "烧伤", "撞伤", "摔伤", "砸伤", "割伤", "伤者",
		"伤员", "重伤", "~死人", "有人死了", "人死了", "~尸体", "身亡", "~死亡", "休克", "心脏骤停", "心梗", "脑梗", "中风", "吐血", "口吐白沫", "~不醒", "叫不醒",
		"~没反应", "没有意识", "失去意识", "快不行了", "大出血", "~急救", "~救护车", "~打120", "~起不来", "~中暑", "~中毒", "~摔倒", "~摔了一跤",
		"~心脏病", "~被狗咬", "~咬伤", "~烫到", "~不舒服", "~晕", "~血"},
	CueTraffic: {"~车祸", "撞人", "撞了人", "撞到人", "被车撞", "~撞倒", "碾压", "翻车", "侧翻", "连环撞", "肇事逃逸", "撞了就跑", "撞完跑了",
		"压到人", "撞飞", "~追尾", "~撞车", "~交通事故", "~相撞", "~撞了"},
	CueDrunk: {"喝了一斤", "喝了半斤", "喝了酒非要开车", "非要自己开车", "钥匙抢不下来", "酒后开车", "喝醉了要开车", "横冲直撞", "~喝多了", "酒驾", "醉驾", "喝了酒开车", "喝酒开车", "喝醉了开车", "毒驾", "喝多了开车"},
	CueTheft: {"用撬棍撬", "撬棍", "被人撬", "在撬门", "撬卷帘门", "卷帘门被", "卧室有人", "屋里有人翻", "家里有人翻", "有人拉抽屉", "有人在翻东西", "门都不敢进", "门锁被撬", "全剪烂了", "剪烂了", "故意砸坏", "故意弄坏", "给我划了", "被人划破", "被人弄走", "被人开走", "被人拉走", "被人偷偷开走", "被撬了", "撬了", "被撬", "撬盗", "盗走", "盗了", "伸到别人包里", "手伸进", "掏包", "伸进包里", "被人拿走", "被人偷", "被人割", "被人剪", "被摸", "被划", "冒领", "割走", "拔走", "偷电缆", "试车门", "车窗被砸", "被人撬", "扒咗", "抢咗", "偷咗", "~拿走了", "~没了", "~丢了", "~丢失", "~贼", "~偷", "小偷", "偷东西", "在偷", "被偷", "偷了", "偷走", "偷我", "扒手", "扒窃", "盗窃", "被盗", "失窃", "抢劫", "抢包", "抢钱", "抢手机",
		"抢走", "~抢了", "打劫", "入室", "撬门", "~撬开", "撬锁进", "偷油", "偷车", "偷电动车", "盗刷", "偷拿", "顺走", "~撬锁", "~可疑"},
	CueFraud: {"自称燃气公司", "自称物业", "自称供电局", "冒充燃气", "说没派人", "燃气公司说没派", "上门查安全", "上门推销", "全是白纸", "掉包", "调包", "~换外币", "~提不出来", "~提现", "~投资", "诈骗", "骗子", "被骗", "骗了", "骗钱", "骗走", "杀猪盘", "~冒充", "假冒警察", "安全账户", "刷单", "~转账", "~验证码",
		"~公检法", "~汇款", "~转了", "~扫码", "~中奖", "~贷款"},
	CueVice:     {"推牌九", "炸金花", "打牌赌钱", "赌钱", "输红眼", "输红了眼", "白粉", "冰毒", "麻古", "k粉", "摇头丸", "大麻", "吸食", "注射毒", "摇骰子", "~输了一个月", "开场子", "私彩", "放高利贷", "地下六合彩", "退币换钱", "上分下分", "~输光了", "~输了好几万", "博彩", "赌博网站", "网赌", "赌球", "~针筒", "~针管", "溜冰", "~吸东西", "吸毒", "贩毒", "毒品", "卖淫", "嫖娼", "赌博", "聚赌", "赌场", "开赌", "黄赌毒"},
	CueDisorder: {"抬着花圈", "摆花圈", "拉横幅闹", "~拦不住", "堵了院长", "围堵医生", "~社会上的人", "~社会青年", "~小混混", "~混混", "强行拦截", "拦车不让走", "躺于车前", "躺在车前", "拍打车窗", "把医生围", "叫嚣", "~推挤", "~大吵大闹", "~闹", "~躺在", "~不起来", "闹事", "寻衅滋事", "~聚众", "围攻", "械斗", "持械", "堵路闹", "砸场", "~围堵", "~堵门", "~起哄"},
	CueStalking: {"~又跟过来", "~跟过来了", "问谁家", "打听谁家", "谁家老人一个人", "家里几口人", "家里有几个人", "问家里几口", "专门敲独居", "~兜来兜去", "~晃来晃去", "~敲门", "~查煤气", "~查燃气", "~就跑了", "没穿工服", "没有证件", "没带证件", "冒充燃气", "冒充物业", "~要进门", "~面包车", "踩点", "~转来转去", "~打听", "跟踪我", "跟踪她", "一直跟着我", "尾随", "偷窥", "鬼鬼祟祟", "形迹可疑", "~陌生人", "~盯着"},
}

// cueExceptions are phrases that contain a cue but are no danger; being
// longer, they win the position (打他电话 is no assault).
var cueExceptions = []string{"看不见了", "眼睛看不见", "看不清了", "点不着火", "无人员不适", "无异味", "怕人偷跑", "打不出去电话", "上次有人困", "烟囱冒浓烟", "烟囱冒黑烟", "烟囱冒烟", "防小偷", "防盗", "跳楼价", "跳楼大甩卖", "大出血价", "摆在窗台外", "放在窗台外", "花盆", "打成一针", "打疫苗", "两针打", "修脚", "刀子都不消毒", "打了三遍", "打药", "打虫", "蹭了一下", "剐蹭", "蹭掉", "打不出", "打不通", "打不进", "打了几下火花", "信号就没了", "信号没了", "贼闹心", "闹心", "放血", "刀片", "拔火罐", "趁火打劫", "冒火花", "火花", "点不着火", "打不着火", "点不着", "不着火", "打我电话", "打他电话", "打她电话", "打我手机", "打他手机", "打她手机", "打人家电话", "打他们电话", "打我们电话",
	"砍了树", "砍树", "抢车位", "抢了车位", "抢了我车位", "抢了我的车位", "死亡证明", "打火机", "火锅", "被压价", "被压工资", "压工资", "打架子鼓",
	"被压坏", "压坏", "吵死人", "烦死人", "臭死人", "热死人", "气死人", "笑死人", "冷死人", "累死人", "打死也不", "救命钱", "骗子公司", "消防通道被", "防火门",
	"烟味很重的烟", "血压", "献血", "血糖", "流血汗", "打针", "救护车通道", "急救中心电话", "打120也", "被盗用", "偷工减料", "偷税", "偷排", "偷倒",
	"偷偷", "偷拍照", "小偷小摸", "家暴咨询", "跳槽", "跳广场舞", "跳舞", "跳闸", "打架子"}

// da: 打 is violence when a victim or result follows it or a passive or
// intensity marker precedes it — unless it starts an everyday compound
// (打电话, 打车, 打扫, 打工 …).
var (
	daNext   = "了我他她人伤倒死残断得成架起哭"
	daPrev   = "被挨给在又还都按围追堵殴抽暴毒狠乱来互对"
	daEveryd = runesOf([]string{"电话", "手机", "车", "的", "扫", "工", "开", "印", "折", "卡", "听", "算", "针", "包", "扰", "球", "牌", "麻将", "游戏", "水", "雷", "滑",
		"招呼", "官司", "款", "钱", "字", "理", "卤", "烊", "井", "桩", "药", "疫苗", "补丁", "着火", "火", "分", "量", "孔", "磨", "洞", "蜡", "气", "假", "黑", "击",
		"饭", "呼噜", "喷嚏", "嗝", "盹", "瞌睡", "转", "交道", "官腔", "架子", "0", "过来", "过去", "回来", "回去", "不通", "不进", "通", "错", "了电话", "了个电话", "了一针", "了疫苗", "了几次", "了好几次", "了两次", "了三次", "了很多次", "了个车",
		"了车", "了折", "了针", "了卡", "了0", "了好几个电话", "了几个电话", "了很多电话", "了几次电话", "了好多电话", "了个招呼", "了招呼", "了官司", "了款", "了钱", "了个", "了一个电话",
		"成一片", "成平手", "起精神", "得火热", "得通", "得到", "折扣", "人家电话", "我电话", "他电话", "她电话", "我手机", "他手机", "她手机", "他们电话", "人电话", "得了"})
)

func daCue(rs []rune, i int) bool {
	if rs[i] != '打' {
		return false
	}
	for _, w := range daEveryd {
		if hasAt(rs, i+1, w) {
			return false
		}
	}
	if i > 0 && strings.ContainsRune("话漏补要没", rs[i-1]) {
		return false // 电话打了, 漏打了, 补打
	}
	if i+1 < len(rs) && strings.ContainsRune(daNext, rs[i+1]) {
		// "我就打了，" (called) — a bare 打了 needs a victim or a passive before it
		if rs[i+1] == '了' && (i+2 >= len(rs) || rs[i+2] == ' ') {
			return i > 0 && strings.ContainsRune(daPrev+"我他她人", rs[i-1])
		}
		return true
	}
	return i > 0 && strings.ContainsRune(daPrev, rs[i-1]) && i+1 < len(rs) && rs[i+1] != ' '
}

// negators that, right before a cue, say it did not happen.
var negators = []string{"不会", "不至于", "不打算", "并没有", "没有", "没人", "无人", "并没", "没", "无", "未", "不是", "并非", "不像是", "不像", "不存在"}

// words allowed between a negator and the cue it negates
// (没有造成人员受伤, 没看到明火, 无任何人受伤).
var negFillers = []string{"要", "要查", "要叫", "投诉", "谁", "孩子", "起", "想", "造成", "人员", "看到", "看见", "发现", "发生", "出现", "什么", "任何", "明显", "真的", "有人", "人", "有", "被", "在", "是", "见", "再", "还", "过", "啥", "的", "受", "严重", "重"}

// hypothetical markers: a hazard that might happen, not one that is happening.
var hypoMarkers = []string{"担心", "害怕", "怕", "万一", "容易", "会不会", "可能会", "隐患", "防止", "以免", "避免", "小心", "要是", "如果", "差点", "险些", "预防", "防火", "消防通道", "怕引起", "安全隐患", "禁止", "严禁", "不能", "不准", "以防", "迟早"}

var postHypoRunes = runesOf([]string{"隐患", "风险", "的可能", "的话"})

type cuePattern struct {
	phrase []rune
	kind   CueKind
	strong bool
}

// cuesMore are further cue phrases and exceptions, one per line as
// "kind<TAB>phrase" or "exception<TAB>phrase" (data/cues_more.tsv): the
// colloquial and call-taker phrasings of each kind of danger, and the
// harmless phrases that contain them.
//
//go:embed data/cues_more.tsv
var cuesMore string

// allCues merges cuePatterns and cueExceptions with cuesMore.
func allCues() (map[CueKind][]string, []string) {
	pats := map[CueKind][]string{}
	for k, v := range cuePatterns {
		pats[k] = append([]string(nil), v...)
	}
	exc := append([]string(nil), cueExceptions...)
	for _, line := range strings.Split(cuesMore, "\n") {
		kind, phrase, ok := strings.Cut(strings.TrimSpace(line), "\t")
		if !ok || phrase == "" || strings.HasPrefix(kind, "#") {
			continue
		}
		if kind == "exception" {
			exc = append(exc, phrase)
			continue
		}
		if _, known := cueInfos[CueKind(kind)]; !known {
			panic("triage: data/cues_more.tsv: unknown cue kind " + kind)
		}
		pats[CueKind(kind)] = append(pats[CueKind(kind)], phrase)
	}
	return pats, exc
}

var cueIndex = func() map[rune][]cuePattern {
	idx := map[rune][]cuePattern{}
	patterns, exceptions := allCues()
	for kind, list := range patterns {
		for _, p := range list {
			strong := true
			if strings.HasPrefix(p, "~") {
				strong, p = false, p[1:]
			}
			rs := []rune(Normalize(p))
			if len(rs) == 0 {
				continue
			}
			idx[rs[0]] = append(idx[rs[0]], cuePattern{rs, kind, strong})
		}
	}
	for _, p := range exceptions {
		rs := []rune(Normalize(p))
		if len(rs) == 0 {
			continue
		}
		idx[rs[0]] = append(idx[rs[0]], cuePattern{rs, "", false})
	}
	for r := range idx {
		ps := idx[r]
		sort.Slice(ps, func(i, j int) bool {
			if len(ps[i].phrase) != len(ps[j].phrase) {
				return len(ps[i].phrase) > len(ps[j].phrase)
			}
			if ps[i].strong != ps[j].strong {
				return ps[i].strong
			}
			return ps[i].kind < ps[j].kind
		})
	}
	return idx
}()

// Cue is one danger cue found in a text.
type Cue struct {
	Kind    CueKind `json:"kind"`
	Text    string  `json:"text"`              // as it appears in the caller's text
	Strong  bool    `json:"strong"`            // decides on its own
	Negated bool    `json:"negated,omitempty"` // 没人受伤: found but denied
	Hypo    bool    `json:"hypothetical,omitempty"`
	at, end int
}

func hasAt(rs []rune, i int, p []rune) bool {
	if i < 0 || i+len(p) > len(rs) {
		return false
	}
	for k, r := range p {
		if rs[i+k] != r {
			return false
		}
	}
	return true
}

var (
	negRunes    = runesOf(negators)
	fillerRunes = runesOf(negFillers)
	hypoRunes   = runesOf(hypoMarkers)
)

func runesOf(ss []string) [][]rune {
	out := make([][]rune, len(ss))
	for i, s := range ss {
		out[i] = []rune(s)
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// negated reports whether the cue at rs[at:] is denied by a negator just
// before it in the same clause, with only filler words between. A question
// (有没有人受伤, 是不是打架) is not a denial.
func negated(rs []rune, at int) bool {
	// walk back over fillers, trying a negator at each point
	var try func(end, depth int) bool
	try = func(end, depth int) bool {
		if end <= 0 || depth > 4 {
			return false
		}
		for _, n := range negRunes {
			s := end - len(n)
			if hasAt(rs, s, n) {
				// questions: 有没有 / 是不是 / 有没 / 是否
				if s > 0 && ((n[0] == '没' && rs[s-1] == '有') || (n[0] == '不' && rs[s-1] == '是') || (n[0] == '无' && rs[s-1] == '有')) {
					continue
				}
				// 不是…而是 keeps the cue when followed by 是; handled by the caller seeing the later cue.
				return true
			}
		}
		for _, f := range fillerRunes {
			s := end - len(f)
			if hasAt(rs, s, f) && try(s, depth+1) {
				return true
			}
		}
		return false
	}
	return try(at, 0)
}

// hypothetical reports a worry marker earlier in the same clause.
func hypothetical(rs []rune, at, end int) bool {
	start := at - 8
	if start < 0 {
		start = 0
	}
	for i := at - 1; i >= start; i-- {
		if rs[i] == ' ' {
			break
		}
		for _, h := range hypoRunes {
			if hasAt(rs, i, h) && i+len(h) <= at {
				return true
			}
		}
	}
	// 火灾隐患, 有爆炸危险: the marker comes after
	for i := end; i < len(rs) && i < end+4; i++ {
		if rs[i] == ' ' {
			break
		}
		for _, h := range postHypoRunes {
			if hasAt(rs, i, h) {
				return true
			}
		}
	}
	return false
}

// findCues returns the danger cues of a normalised text, strongest first
// per kind; denied and hypothetical ones are kept but marked.
func findCues(t *text) []Cue {
	rs := t.runes
	var out []Cue
	covered := -1
	for i := 0; i < len(rs); i++ {
		for _, p := range cueIndex[rs[i]] {
			if !hasAt(rs, i, p.phrase) {
				continue
			}
			end := i + len(p.phrase)
			if end <= covered {
				break // inside a longer cue already taken
			}
			if p.kind == "" {
				covered = end
				break // an exception phrase
			}
			c := Cue{Kind: p.kind, Text: t.span(i, end), Strong: p.strong, at: i, end: end}
			c.Negated = negated(rs, i)
			if !c.Negated && cueInfos[p.kind].hypo && hypothetical(rs, i, end) {
				c.Hypo = true
			}
			out = append(out, c)
			covered = end
			break
		}
		if i >= covered && daCue(rs, i) {
			c := Cue{Kind: CueViolence, Text: t.span(i, i+2), Strong: true, at: i, end: i + 2}
			if i+2 > len(rs) {
				c.Text, c.end = t.span(i, i+1), i+1
			}
			c.Negated = negated(rs, i)
			out = append(out, c)
		}
	}
	// a cat in a pipe is no person trapped: rescue cues about an animal
	// alone only lean
	if mentionsAnimal(rs) && !mentionsPerson(rs) {
		for i := range out {
			switch out[i].Kind {
			case CueTrapped, CueDrowning, CueFall, CueCaptive: // 救命啊，家里进了蛇
				out[i].Strong, out[i].Negated = false, true
			}
		}
	}
	// a past injury in a claim (工伤认定, 医疗纠纷, 已经出院) is no emergency now
	if pastClaim(rs) {
		for i := range out {
			switch out[i].Kind {
			case CueInjury, CueTraffic, CueFall, CueFraud, CueViolence:
				out[i].Hypo = true
			}
		}
	}
	// "不见了" is a lost phone or a lost child: with a person word it counts
	for i := range out {
		if out[i].Kind == CueMissing && !out[i].Strong && !out[i].Negated && mentionsPerson(rs) {
			out[i].Strong = true
		}
	}
	return out
}

var personWords = runesOf([]string{"孩子", "儿子", "女儿", "小孩", "孙子", "孙女", "外孙", "老人", "爷爷", "奶奶", "外婆", "外公", "姥姥", "姥爷", "我爸", "我妈", "父亲", "母亲",
	"老公", "老婆", "丈夫", "妻子", "弟弟", "妹妹", "哥哥", "姐姐", "学生", "患者", "病人", "痴呆", "智障", "精神病", "岁"})

var pastWords = runesOf([]string{"法律援助", "请律师", "请不起律师", "打官司", "起诉", "已经判", "判了", "立了案", "已经立案", "报过案", "已经报案", "上个礼拜", "上礼拜", "上周", "现在都好了", "也不管", "算不算", "工伤", "出院", "鉴定", "赔偿", "认定", "理赔", "报销", "上个月", "去年", "前年", "住院期间", "医疗纠纷",
	"误诊", "手术", "索赔", "医药费", "伤残", "上次", "那次", "年前", "个月前"})

func pastClaim(rs []rune) bool {
	for i := range rs {
		for _, w := range pastWords {
			if hasAt(rs, i, w) {
				return true
			}
		}
	}
	return false
}

var animalWords = runesOf([]string{"猫", "狗", "鸟", "蛇", "宠物", "鸽子", "鸡", "鸭", "鹅", "羊", "牛", "猪", "马", "兔", "猴", "鱼", "龟", "松鼠", "刺猬", "黄鼠狼", "动物", "马蜂", "蜂窝"})

func mentionsAnimal(rs []rune) bool {
	for i := range rs {
		for _, w := range animalWords {
			if hasAt(rs, i, w) {
				return true
			}
		}
	}
	return false
}

func mentionsPerson(rs []rune) bool {
	for i := range rs {
		for _, w := range personWords {
			if hasAt(rs, i, w) {
				return true
			}
		}
	}
	return false
}

// active reports whether the cue counts at full strength.
func (c Cue) active() bool { return c.Strong && !c.Negated && !c.Hypo }

// leaning reports whether the cue at least leans to the police side.
func (c Cue) leaning() bool { return !c.Negated }

func runeLen(s string) int { return utf8.RuneCountInString(s) }

// roadWords say the danger is on a road: a fire, crash or injury there
// also needs the traffic police.
var roadWords = runesOf([]string{"高速", "车道", "公路", "国道", "省道", "县道", "路口", "马路上", "马路中间", "路中间", "大马路", "十字路口", "隧道", "高架",
	"匝道", "收费站", "服务区", "环线", "立交", "桥上", "快速路", "主干道", "斑马线", "红绿灯"})

func onRoad(rs []rune) bool {
	for i := range rs {
		for _, w := range roadWords {
			if hasAt(rs, i, w) {
				return true
			}
		}
	}
	return false
}

package triage

import (
	"bufio"
	_ "embed"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// The OpenCC Traditional→Simplified character table (Apache-2.0, see
// THIRD_PARTY.md), one "traditional simplified" pair a line.
//
//go:embed data/t2s.txt
var t2sData string

var (
	t2sOnce sync.Once
	t2sMap  map[rune]rune
)

func t2s() map[rune]rune {
	t2sOnce.Do(func() {
		m := make(map[rune]rune, 3600)
		sc := bufio.NewScanner(strings.NewReader(t2sData))
		for sc.Scan() {
			line := sc.Text()
			if line == "" || line[0] == '#' {
				continue
			}
			f := strings.Fields(line)
			if len(f) != 2 {
				continue
			}
			a, _ := utf8.DecodeRuneInString(f[0])
			b, _ := utf8.DecodeRuneInString(f[1])
			m[a] = b
		}
		// A few characters OpenCC only converts inside phrases; in callers'
		// speech they are nearly always the simplified reading below.
		for a, b := range map[rune]rune{'著': '着', '瞭': '了', '乾': '干', '摺': '折', '於': '于', '藉': '借', '祇': '只'} {
			m[a] = b
		}
		t2sMap = m
	})
	return t2sMap
}

// ToSimplified converts Traditional Chinese characters to Simplified, one
// character at a time (OpenCC's character table), and leaves everything
// else unchanged.
func ToSimplified(s string) string {
	m := t2s()
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if x, ok := m[r]; ok {
			r = x
		}
		b.WriteRune(r)
	}
	return b.String()
}

// text is a normalised call text: its runes, and for each rune the byte
// span of the original text it came from, so that deciding n-grams can be
// shown as the caller said them.
type text struct {
	orig  string
	runes []rune
	from  []int32 // byte offset in orig where runes[i] starts
	to    []int32 // byte offset in orig where runes[i] ends
}

// span returns the original text behind normalised runes [i, j).
func (t *text) span(i, j int) string {
	if i < 0 || j > len(t.runes) || i >= j {
		return ""
	}
	a, b := t.from[i], t.to[j-1]
	if b < a {
		a, b = b, a
	}
	return t.orig[a:b]
}

// phrase rewrites applied after character conversion: dialect words,
// common phone-input typos and homophones, and callers' fillers (rewritten
// to nothing). Longest match wins.
var rewrites = map[string]string{
	// fillers
	"喂喂": "", "喂": "", "嗯嗯": "", "嗯": "", "呃": "", "额额": "", "那个那个": "", "就是说": "", "我跟你说": "",
	"我跟你讲": "", "怎么说呢": "", "你好你好": "", "您好": "", "你好": "", "要你好看": "要你好看", "让你好看": "让你好看", "警察同志": "", "警官": "", "同志": "", "请问一下": "请问",
	// dialect (north, south-west, Wu, Cantonese)
	"咋整": "怎么办", "咋办": "怎么办", "咋弄": "怎么弄", "咋": "怎么", "啥子": "什么", "啥": "什么", "俺们": "我们", "俺": "我",
	"恁": "你们", "侬": "你", "阿拉": "我们", "伊拉": "他们", "咩": "什么", "乜嘢": "什么", "乜": "什么", "冇得": "没有",
	"冇": "没有", "莫得": "没有", "么得": "没有", "木有": "没有", "米有": "没有", "没得": "没有", "晓得": "知道", "晓不得": "不知道",
	"搞么子": "干什么", "么子": "什么", "老鼻子": "很多", "忒": "太", "甭": "不用", "勿要": "不要", "勿": "不", "唔该": "请",
	"唔": "不", "佢哋": "他们", "佢": "他", "嘅": "的", "咗": "了", "喺": "在", "睇": "看", "揾": "找", "俾": "给", "嘢": "东西",
	"边度": "哪里", "漂白粉": "漂白剂", "索嘢": "吸毒", "班友": "一伙人", "我个仔": "我儿子", "我个女": "我女儿", "佢个仔": "他儿子", "佢个女": "他女儿", "嗰个仔": "那个儿子", "细路仔": "孩子", "屋企": "家里", "咩事": "什么事", "报咗警": "报了警", "点解": "为什么", "点算": "怎么办", "系咪": "是不是", "屋头": "家里", "屋里头": "家里", "娃儿": "孩子",
	"娃子": "孩子", "娃娃": "孩子", "伢子": "孩子", "伢": "孩子", "小囡": "孩子", "囡囡": "孩子", "细路": "孩子", "崽崽": "孩子",
	"干仗": "打架", "打捶": "打架", "打锤": "打架", "干架": "打架", "掐架": "打架", "打交": "打架", "开片": "打架", "拍拖": "恋爱",
	"差佬": "警察", "条子": "警察", "的士": "出租车", "打的": "打车", "落雨": "下雨", "水喉": "水管", "升降机": "电梯", "𨋢": "电梯",
	"咱": "我们", "婆姨": "老婆", "婆娘": "老婆", "堂客": "老婆", "老倌": "老公", "老汉儿": "父亲",
	"耍朋友": "恋爱", "闹麻了": "很吵", "吵死个人": "很吵", "吵死人": "很吵", "贼吵": "很吵", "贼多": "很多", "贼拉": "很",
	"巴适": "舒服", "瓜娃子": "傻子", "晓得伐": "", "嘞": "了", "俺家": "我家",
	"雪糕": "冰淇淋", "士多": "小店", "单车": "自行车", "电单车": "摩托车", "摩的": "摩托车", "电驴": "电动车", "电瓶车": "电动车",
	"小电驴": "电动车", "电动自行车": "电动车", "老头儿": "老人", "老太太": "老人", "老太": "老人", "老大爷": "老人", "大爷": "老人", "大妈": "老人",
	"阿婆": "老人", "阿公": "老人", "老人家": "老人",
	"返屋企": "回家", "返学": "上学", "返到": "到", "今朝": "今天", "琴日": "昨天", "而家": "现在", "仲": "还", "畀": "给",
	"打劫嘢": "抢东西", "郁手": "动手", "揸住": "拿着", "揸": "拿", "嗰": "那", "啲": "些", "咁": "这么",
	// typos and homophones from phone input
	"以经": "已经", "己经": "已经", "楼水": "漏水", "露水": "漏水", "流水了": "漏水了", "挺电": "停电", "挺水": "停水",
	"燥音": "噪音", "躁音": "噪音", "嘈音": "噪音", "造音": "噪音", "噪声": "噪音", "物叶": "物业", "工姿": "工资", "公资": "工资",
	"托欠": "拖欠", "大架": "打架", "打驾": "打架", "着伙": "着火", "找火": "着火", "起伙": "起火", "跳搂": "跳楼", "救名": "救命",
	"报井": "报警", "小头": "小偷", "被头了": "被偷了", "偷盗": "盗窃", "坏掉": "坏了", "蹦了": "崩了", "嘣": "崩",
	"路等": "路灯", "井改": "井盖", "井该": "井盖", "垃极": "垃圾", "拉圾": "垃圾", "违见": "违建", "违章建筑": "违建", "装璜": "装修",
	"甚么": "什么", "什麽": "什么", "麽": "么", "冲电": "充电", "电频车": "电动车", "电平车": "电动车", "煤汽": "煤气",
	"燃汽": "燃气", "天然汽": "天然气", "漏汽": "漏气", "昏倒": "晕倒", "晕道": "晕倒", "流学": "流血", "受上": "受伤",
	"遍子": "骗子", "骗纸": "骗子", "钱被骗": "被骗钱",
}

var rewriteIndex = func() map[rune][]string {
	idx := map[rune][]string{}
	for k := range rewrites {
		r, _ := utf8.DecodeRuneInString(k)
		idx[r] = append(idx[r], k)
	}
	for r := range idx {
		ks := idx[r]
		sort.Slice(ks, func(i, j int) bool {
			if len(ks[i]) != len(ks[j]) {
				return len(ks[i]) > len(ks[j])
			}
			return ks[i] < ks[j]
		})
	}
	return idx
}()

// fold maps one rune to its normal form: full-width → half-width,
// Traditional → Simplified, ASCII lower case, digits to '0', and all
// punctuation and spaces to a single separator (' ').
func fold(r rune, m map[rune]rune) rune {
	switch {
	case r == 0x3000:
		return ' '
	case r >= 0xFF01 && r <= 0xFF5E:
		r -= 0xFEE0
	}
	if x, ok := m[r]; ok {
		return x
	}
	switch {
	case r >= 'A' && r <= 'Z':
		return r + 'a' - 'A'
	case r >= 'a' && r <= 'z':
		return r
	case r >= '0' && r <= '9':
		return '0'
	case unicode.Is(unicode.Han, r):
		return r
	case unicode.IsLetter(r):
		return unicode.ToLower(r)
	case unicode.IsDigit(r):
		return '0'
	}
	return ' '
}

// normalize turns a caller's text into the form the features are read from.
func normalize(s string) *text {
	m := t2s()
	// Pass 1: fold runes one to one, remembering their byte spans.
	n := utf8.RuneCountInString(s)
	runes := make([]rune, 0, n)
	from := make([]int32, 0, n)
	to := make([]int32, 0, n)
	for i, r := range s {
		f := fold(r, m)
		w := utf8.RuneLen(r)
		if w < 0 {
			w = 1
		}
		if f == ' ' && len(runes) > 0 && runes[len(runes)-1] == ' ' {
			to[len(to)-1] = int32(i + w)
			continue
		}
		runes = append(runes, f)
		from = append(from, int32(i))
		to = append(to, int32(i+w))
	}
	t := &text{orig: s, runes: runes, from: from, to: to}
	// Pass 2: phrase rewrites (dialect, typos, fillers).
	var (
		out           []rune
		ofrom, oto    []int32
		changed       bool
		rewriteBuffer [16]rune
	)
	for i := 0; i < len(runes); {
		cands := rewriteIndex[runes[i]]
		hit := ""
		hitLen := 0
		for _, k := range cands {
			kl := utf8.RuneCountInString(k)
			if i+kl > len(runes) {
				continue
			}
			ok := true
			j := i
			for _, kr := range k {
				if runes[j] != kr {
					ok = false
					break
				}
				j++
			}
			if ok {
				hit, hitLen = k, kl
				break
			}
		}
		if hitLen == 0 {
			if changed {
				if runes[i] == ' ' && len(out) > 0 && out[len(out)-1] == ' ' {
					oto[len(oto)-1] = to[i]
					i++
					continue
				}
				out = append(out, runes[i])
				ofrom = append(ofrom, from[i])
				oto = append(oto, to[i])
			}
			i++
			continue
		}
		if !changed {
			changed = true
			out = append(make([]rune, 0, len(runes)+8), runes[:i]...)
			ofrom = append(make([]int32, 0, len(runes)+8), from[:i]...)
			oto = append(make([]int32, 0, len(runes)+8), to[:i]...)
		}
		repl := append(rewriteBuffer[:0], []rune(rewrites[hit])...)
		a, b := from[i], to[i+hitLen-1]
		if len(repl) == 0 {
			// a filler becomes a separator, so n-grams do not join across it
			if len(out) > 0 && out[len(out)-1] != ' ' {
				out = append(out, ' ')
				ofrom = append(ofrom, a)
				oto = append(oto, b)
			}
		}
		for _, r := range repl {
			out = append(out, r)
			ofrom = append(ofrom, a)
			oto = append(oto, b)
		}
		i += hitLen
	}
	if changed {
		t.runes, t.from, t.to = out, ofrom, oto
	}
	return t
}

// Normalize returns the normalised form of a text as the engine reads it
// (Simplified, half-width, dialect and typos rewritten, punctuation as
// spaces). It is exported for tools and tests.
func Normalize(s string) string { return string(normalize(s).runes) }

package triage

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/fenliu/fenliu/catalog"
)

// go test ./triage -run Sweep -sweep 'epochs=8,12,20'
func TestSweep(t *testing.T) {
	spec := os.Getenv("SWEEP")
	if spec == "" {
		t.Skip()
	}
	cat, _ := catalog.Default()
	train, _ := TrainingSet()
	held, _ := HeldoutSet()
	for _, part := range strings.Split(spec, ";") {
		kv := strings.SplitN(part, "=", 2)
		for _, v := range strings.Split(kv[1], ",") {
			set(kv[0], v)
			e, err := New(cat, train)
			if err != nil {
				t.Fatal(err)
			}
			m := Evaluate(e, held)
			extra := ""
			for _, f := range []string{"testdata/unseen.jsonl", "testdata/unseen2.jsonl", "testdata/everyday.jsonl"} {
				x := Evaluate(e, readExamples(t, f))
				extra += fmt.Sprintf(" | %s %.1f/%d/%d", f[9:13], 100*x.DispositionRate(), len(x.Dangerous), len(x.OverPolicing))
			}
			t.Logf("%s=%s: disp %.2f top1 %.2f top3 %.2f danger %d over %d cat %.2f%s", kv[0], v, 100*m.DispositionRate(), 100*m.Top1Rate(), 100*m.Top3Rate(), len(m.Dangerous), len(m.OverPolicing), pct(m.Category, m.Categorised), extra)
		}
	}
}

func set(k, v string) {
	f, _ := strconv.ParseFloat(v, 64)
	switch k {
	case "epochs":
		epochs = int(f)
	case "maxGram":
		maxGram = int(f)
	case "minGram":
		minGram = int(f)
	case "policeDoubt":
		policeDoubt = f
	case "policeDoubtTwo":
		policeDoubtTwo = f
	case "policeDoubtWeak":
		policeDoubtWeak = f
	case "policeKeep":
		policeKeep = f
	case "policeMargin":
		policeMargin = float32(f)
	case "policeStep":
		policeStep = float32(f)
	case "tempOdds":
		tempOdds = f
	case "minDF":
		minDF = int32(f)
	case "pPrune":
		pPrune = float32(f)
	case "cosPrune":
		cosPrune = f
	case "cosMix":
		cosMix = f
	case "balance":
		balance = f != 0
	}
}

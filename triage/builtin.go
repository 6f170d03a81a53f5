package triage

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"sort"
	"sync"

	"github.com/fenliu/fenliu/catalog"
)

// The built-in model: the default engine's weights, trained at build time
// on the training split of the embedded corpus for the built-in catalogue,
// and embedded (data/default.model), so a process loads it instead of
// training (about 0.4 s). `go generate ./triage` writes it again; it is
// used only while the digest of its inputs — the corpus, the catalogue,
// the word lists and trainVersion — is the one it was built from, and
// TestBuiltinModel fails when it is stale.

//go:generate go run ./internal/genmodel -out data/default.model

// trainVersion changes whenever training or the features change in a way
// the inputs' digest cannot see; TestBuiltinModel says when.
const trainVersion = "2026-12-07.1"

var (
	builtinOnce  sync.Once
	builtinModel []byte
)

// readBuiltin returns the embedded model file, or nil.
func readBuiltin() []byte {
	builtinOnce.Do(func() {
		b, err := fs.ReadFile(dataFS, "data/default.model")
		if err == nil {
			builtinModel = b
		}
	})
	return builtinModel
}

// InputsDigest is the digest of what the built-in model is trained from.
func InputsDigest(cat *catalog.Catalog) string {
	h := sha256.New()
	h.Write([]byte(trainVersion))
	names, _ := fs.Glob(corpusFS, "corpus/*.jsonl")
	sort.Strings(names)
	for _, n := range names {
		b, _ := fs.ReadFile(corpusFS, n)
		h.Write([]byte(n))
		h.Write(b)
	}
	json.NewEncoder(h).Encode(cat.Categories())
	h.Write([]byte(cuesTSV))
	h.Write([]byte(wordsTSV))
	h.Write([]byte(rewritesTSV))
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// TrainDefault trains the default engine (what the built-in model holds).
func TrainDefault() (*Engine, error) {
	cat, err := catalog.Default()
	if err != nil {
		return nil, err
	}
	train, err := TrainingSet()
	if err != nil {
		return nil, err
	}
	e, err := New(cat, train)
	if err != nil {
		return nil, err
	}
	e.info.Inputs = InputsDigest(cat)
	e.info.Sources = map[string]int{"corpus": len(train)}
	return e, nil
}

// loadBuiltin returns the engine of the built-in model for cat, or nil when
// there is none for it or it is stale.
func loadBuiltin(cat *catalog.Catalog) *Engine {
	b := readBuiltin()
	if b == nil {
		return nil
	}
	info, err := ReadModelInfo(bytes.NewReader(b))
	if err != nil || info.Inputs != InputsDigest(cat) {
		return nil
	}
	e, err := Load(cat, bytes.NewReader(b))
	if err != nil {
		return nil
	}
	return e
}

// ForCatalog returns an engine for a catalogue: the built-in model when
// the catalogue is the one it was built for, else one trained on the
// corpus' training split for it.
func ForCatalog(cat *catalog.Catalog) (*Engine, error) {
	if e := loadBuiltin(cat); e != nil {
		return e, nil
	}
	train, err := TrainingSet()
	if err != nil {
		return nil, err
	}
	return New(cat, train)
}

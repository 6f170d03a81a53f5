package triage

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/fenliu/fenliu/catalog"
)

// A model file holds what training learned, for one catalogue: the
// feature hashes, the perceptron's and the centroids' weights, the danger
// model and the softmax temperature, after a header (ModelInfo, JSON).
// It is gzip-compressed (the built-in one is not, to load quicker); the keyword index and the police-side categories
// are rebuilt from the catalogue when it is loaded, which is checked to be
// the one the model was trained for (the same category codes in order).

const modelMagic = "FENLIU-TRIAGE-MODEL-1\n"

// ModelInfo describes a model file.
type ModelInfo struct {
	Version        string            `json:"version"`         // set when written: a digest of the weights
	CatalogVersion string            `json:"catalog_version"` // the catalogue it was trained for
	Categories     []string          `json:"categories"`      // its category codes, in order
	TrainLen       int               `json:"train_len"`       // training texts
	Sources        map[string]int    `json:"sources,omitempty"`
	Inputs         string            `json:"inputs,omitempty"` // digest of the built-in model's inputs
	Notes          map[string]string `json:"notes,omitempty"`
}

// Info returns the description of the engine's model.
func (e *Engine) Info() ModelInfo { return e.info }

// ModelVersion names the engine's model ("" for one trained in memory and
// never written).
func (e *Engine) ModelVersion() string { return e.info.Version }

// WriteModel writes the engine's model to w, gzip-compressed, and returns
// its version (which the engine takes as its own).
func (e *Engine) WriteModel(w io.Writer) (string, error) { return e.writeModel(w, true) }

// WriteModelRaw writes the model uncompressed: three times the size, four
// times quicker to load (the built-in model).
func (e *Engine) WriteModelRaw(w io.Writer) (string, error) { return e.writeModel(w, false) }

func (e *Engine) writeModel(w io.Writer, compress bool) (string, error) {
	var body bytes.Buffer
	m := e.model
	put := func(v any) { binary.Write(&body, binary.LittleEndian, v) }
	hashes := m.tab.hashes()
	put(uint32(len(hashes)))
	put(hashes)
	put(uint32(len(m.pStart)))
	put(m.pStart)
	putCells(&body, m.p)
	put(uint32(len(m.idf)))
	put(m.idf)
	put(uint32(len(m.cStart)))
	put(m.cStart)
	putCells(&body, m.c)
	put(m.cosMix)
	put(e.temp)
	// the danger model: sparse (id, weight) pairs
	var ids []uint32
	var ws []float32
	for i, v := range e.danger.w {
		if v != 0 {
			ids = append(ids, uint32(i))
			ws = append(ws, v)
		}
	}
	put(uint32(len(e.danger.w)))
	put(e.danger.bias)
	put(uint32(len(ids)))
	put(ids)
	put(ws)
	sum := sha256.Sum256(body.Bytes())
	info := e.info
	info.Version = "m-" + hex.EncodeToString(sum[:6])
	info.CatalogVersion = e.cat.Version
	info.Categories = nil
	for _, c := range e.cats {
		info.Categories = append(info.Categories, c.Code)
	}
	info.TrainLen = e.TrainLen
	head, err := json.Marshal(info)
	if err != nil {
		return "", err
	}
	var zw *gzip.Writer
	bw := bufio.NewWriter(w)
	if compress {
		zw, _ = gzip.NewWriterLevel(w, gzip.BestCompression)
		bw = bufio.NewWriter(zw)
	}
	bw.WriteString(modelMagic)
	binary.Write(bw, binary.LittleEndian, uint32(len(head)))
	bw.Write(head)
	bw.Write(body.Bytes())
	if err := bw.Flush(); err != nil {
		return "", err
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			return "", err
		}
	}
	e.info = info
	return info.Version, nil
}

func putCells(w io.Writer, cs []cell) {
	binary.Write(w, binary.LittleEndian, uint32(len(cs)))
	cls := make([]uint16, len(cs))
	ws := make([]float32, len(cs))
	for i, c := range cs {
		cls[i], ws[i] = c.cls, c.w
	}
	binary.Write(w, binary.LittleEndian, cls)
	binary.Write(w, binary.LittleEndian, ws)
}

// ReadModelInfo reads only the header of a model file.
func ReadModelInfo(r io.Reader) (ModelInfo, error) {
	var info ModelInfo
	br, err := modelStream(r)
	if err != nil {
		return info, err
	}
	return info, readHeader(br, &info)
}

// modelStream reads a model file, compressed or not.
func modelStream(r io.Reader) (*bufio.Reader, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	if b, err := br.Peek(2); err == nil && b[0] == 0x1f && b[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("triage model: %w", err)
		}
		return bufio.NewReaderSize(zr, 1<<16), nil
	}
	return br, nil
}

func readHeader(br *bufio.Reader, info *ModelInfo) error {
	magic := make([]byte, len(modelMagic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != modelMagic {
		return errors.New("triage model: not a Fenliu triage model file")
	}
	var n uint32
	if err := binary.Read(br, binary.LittleEndian, &n); err != nil || n > 1<<24 {
		return errors.New("triage model: bad header")
	}
	head := make([]byte, n)
	if _, err := io.ReadFull(br, head); err != nil {
		return fmt.Errorf("triage model: %w", err)
	}
	return json.Unmarshal(head, info)
}

// Load returns an engine for a catalogue with the model read from r. The
// catalogue must be the one the model was trained for.
func Load(cat *catalog.Catalog, r io.Reader) (*Engine, error) {
	br, err := modelStream(r)
	if err != nil {
		return nil, err
	}
	var info ModelInfo
	if err := readHeader(br, &info); err != nil {
		return nil, err
	}
	e, err := newBase(cat)
	if err != nil {
		return nil, err
	}
	codes := make([]string, len(e.cats))
	for i, c := range e.cats {
		codes[i] = c.Code
	}
	if !slices.Equal(codes, info.Categories) {
		return nil, fmt.Errorf("triage model %s was trained for catalogue %q (%d categories), not %q (%d categories): train it again for this catalogue",
			info.Version, info.CatalogVersion, len(info.Categories), cat.Version, len(codes))
	}
	rd := &modelReader{r: br}
	hashes := make([]uint64, rd.n(1<<26))
	rd.read(hashes)
	m := &model{classes: len(e.cats)}
	m.pStart = make([]uint32, rd.n(1<<26))
	rd.read(m.pStart)
	m.p = rd.cells()
	m.idf = make([]float32, rd.n(1<<26))
	rd.read(m.idf)
	m.cStart = make([]uint32, rd.n(1<<26))
	rd.read(m.cStart)
	m.c = rd.cells()
	rd.read(&m.cosMix)
	rd.read(&e.temp)
	d := &dangerModel{w: make([]float32, rd.n(1<<26))}
	rd.read(&d.bias)
	ids := make([]uint32, rd.n(1<<26))
	ws := make([]float32, len(ids))
	rd.read(ids)
	rd.read(ws)
	if rd.err != nil {
		return nil, fmt.Errorf("triage model: %w", rd.err)
	}
	nf := len(hashes)
	if len(m.pStart) != nf+1 || len(m.cStart) != nf+1 || len(m.idf) != nf || len(d.w) != nf ||
		int(m.pStart[nf]) != len(m.p) || int(m.cStart[nf]) != len(m.c) || e.temp <= 0 || math.IsNaN(float64(e.temp)) {
		return nil, errors.New("triage model: inconsistent sizes")
	}
	for i := 0; i < nf; i++ {
		if m.pStart[i] > m.pStart[i+1] || m.cStart[i] > m.cStart[i+1] {
			return nil, errors.New("triage model: inconsistent offsets")
		}
	}
	for _, cs := range [][]cell{m.p, m.c} {
		for _, c := range cs {
			if int(c.cls) >= len(e.cats) {
				return nil, errors.New("triage model: class out of range")
			}
		}
	}
	for i, id := range ids {
		if int(id) >= nf {
			return nil, errors.New("triage model: danger weight out of range")
		}
		d.w[id] = ws[i]
	}
	m.tab = newTable(hashes)
	e.model, e.danger, e.info, e.TrainLen = m, d, info, info.TrainLen
	e.finish()
	return e, nil
}

type modelReader struct {
	r   io.Reader
	err error
}

func (m *modelReader) read(v any) {
	if m.err == nil {
		m.err = binary.Read(m.r, binary.LittleEndian, v)
	}
}

// n reads a length, refusing one above max.
func (m *modelReader) n(max uint32) int {
	var n uint32
	m.read(&n)
	if m.err == nil && n > max {
		m.err = errors.New("length out of range")
	}
	if m.err != nil {
		return 0
	}
	return int(n)
}

func (m *modelReader) cells() []cell {
	n := m.n(1 << 28)
	cls := make([]uint16, n)
	ws := make([]float32, n)
	m.read(cls)
	m.read(ws)
	out := make([]cell, n)
	for i := range out {
		out[i] = cell{cls[i], ws[i]}
	}
	return out
}

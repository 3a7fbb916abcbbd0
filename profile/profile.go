// Package profile records what a run's documents look like, for charts: per
// source the documents, characters and tokens in and kept; fixed-bin
// histograms of length, tokens, Japanese and hiragana ratio (kept and
// dropped); the sizes of near-duplicate clusters; and a few kept and
// dropped documents, chosen by a hash of their key.
//
// A Recorder sees every document that reached the pipeline exactly once, at
// the end of its way: written (the Sink) or dropped by a stage (the
// Rejects), on the runner's collector goroutine. It only adds up values the
// stages left (filters.Scripts, Document.Tokens), so it costs little.
//
// A Profile is a deterministic function of the documents and the config:
// counts are sums, histograms have fixed edges, samples are the k documents
// with the smallest hashes. Merge is associative and commutative, so the
// profiles of the tasks of a job merge into the profile of one process.
package profile

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"

	"github.com/zeebo/xxh3"

	"github.com/jacorpus/jacorpus/filters"
	"github.com/jacorpus/jacorpus/pipeline"
)

// Profile is the manifest's "profile" section.
type Profile struct {
	// Sources holds the per-source counts, by name.
	Sources []Source `json:"sources"`
	// Length is the documents' length in characters (code points) at the
	// end of their way: as written, or as the stage that dropped them saw
	// them.
	Length *Histogram `json:"length"`
	// Tokens is the written documents' token counts (tokenize is the last
	// stage, so dropped documents have none); absent without tokenize.
	Tokens *Histogram `json:"tokens,omitempty"`
	// JapaneseRatio is (hiragana + katakana + kanji) / letters and
	// HiraganaRatio hiragana / (hiragana + katakana + kanji), with the
	// definitions of the filters' japanese_ratio and hiragana_ratio
	// measures, in 20 bins of 0.05; documents without letters (without
	// Japanese letters) are left out.
	JapaneseRatio *Histogram `json:"japanese_ratio"`
	HiraganaRatio *Histogram `json:"hiragana_ratio"`
	// Clusters describes the near-duplicate clusters (absent without near
	// dedup).
	Clusters *Clusters `json:"near_clusters,omitempty"`
	// Dropped counts the dropped documents and their characters per stage
	// and drop reason (for the filters stage, the reason is the rule), by
	// stage then reason, with sample documents.
	Dropped []Group `json:"dropped,omitempty"`
	// Kept holds sample written documents per source, by source.
	Kept []Group `json:"kept,omitempty"`
}

// Source is one source's counts. "In" is every document of the source that
// came out of ingest (written or dropped); characters are counted at the
// end of each document's way, like Profile.Length.
type Source struct {
	Name string `json:"name"`
	// Docs and Chars are the documents in and their characters.
	Docs  int64 `json:"docs"`
	Chars int64 `json:"chars"`
	// KeptDocs, KeptChars and KeptTokens are the written documents'.
	KeptDocs   int64 `json:"kept_docs"`
	KeptChars  int64 `json:"kept_chars"`
	KeptTokens int64 `json:"kept_tokens"`
}

// Histogram counts values in fixed bins: bin i holds Edges[i] <= v <
// Edges[i+1], the last bin also everything above. Kept counts written
// documents, Dropped the others (absent where only written documents
// have the value).
type Histogram struct {
	Edges   []float64 `json:"edges"`
	Kept    []int64   `json:"kept"`
	Dropped []int64   `json:"dropped,omitempty"`
}

// Clusters describes near-duplicate clusters: a document near dedup kept
// together with the documents dropped as its near duplicates (directly, or
// as copies of such a copy). Exact copies are not counted (the stats count
// them), nor copies of saved indexes' documents (Saved).
type Clusters struct {
	// Clusters counts the clusters of two or more documents, Dropped the
	// documents dropped into them, Largest the size of the largest.
	Clusters int64 `json:"clusters"`
	Dropped  int64 `json:"dropped"`
	Largest  int64 `json:"largest"`
	// Saved counts the near duplicates of saved indexes' documents.
	Saved int64 `json:"saved,omitempty"`
	// Sizes is the histogram of cluster sizes (documents, kept included;
	// Kept counts clusters).
	Sizes *Histogram `json:"sizes"`
}

// Group is the documents of one drop reason of a stage, or the written
// documents of one source: their number, their characters and up to
// SampleSize of them as samples (those with the smallest Hash).
type Group struct {
	// Stage and Reason name a drop group, Source a kept one.
	Stage  string `json:"stage,omitempty"`
	Reason string `json:"reason,omitempty"`
	Source string `json:"source,omitempty"`
	// Docs and Chars count the group's documents and their characters.
	Docs    int64    `json:"docs"`
	Chars   int64    `json:"chars"`
	Samples []Sample `json:"samples"`
}

// Sample is a document shown in the report.
type Sample struct {
	// Hash orders the samples (xxh3 of the document's key): the smallest
	// are kept.
	Hash uint64 `json:"hash"`
	// Key is the document's pipeline.Key ("file.record"), ID its id,
	// Source its source.
	Key    string `json:"key"`
	ID     string `json:"id"`
	Source string `json:"source"`
	// Score is the dropping rule's score (filters), absent otherwise.
	Score *float64 `json:"score,omitempty"`
	// Chars is the document's length; Text its first SampleChars
	// characters.
	Chars int64  `json:"chars"`
	Text  string `json:"text"`
}

// SampleSize is how many documents a Samples group keeps; SampleChars how
// many characters of each.
const (
	SampleSize  = 3
	SampleChars = 200
)

// SizeEdges are the edges of the length, token and cluster-size
// histograms: 0, 1, 2, 3, 4, 6, 8, 12, 16, … up to 2^31, each power of two
// split at 1.5 times it.
func SizeEdges() []float64 {
	e := []float64{0, 1}
	for p := 2.0; p <= 1<<31; p *= 2 {
		e = append(e, p, p*1.5)
	}
	return e[:len(e)-1]
}

// RatioEdges are the 21 edges of the ratio histograms: 0, 0.05, … 1.
func RatioEdges() []float64 {
	e := make([]float64, 21)
	for i := range e {
		e[i] = float64(i) / 20
	}
	return e
}

func newHistogram(edges []float64, dropped bool) *Histogram {
	h := &Histogram{Edges: edges, Kept: make([]int64, len(edges)-1)}
	if dropped {
		h.Dropped = make([]int64, len(edges)-1)
	}
	return h
}

// Bin returns the bin of v: the last i with Edges[i] <= v, clamped to the
// bins.
func (h *Histogram) Bin(v float64) int {
	i, found := slices.BinarySearch(h.Edges, v)
	if !found {
		i--
	}
	return max(0, min(i, len(h.Kept)-1))
}

// ratioBin is the bin of a/b in 20 bins (integer arithmetic: exact).
func ratioBin(a, b int) int { return min(19, 20*a/b) }

// Total returns the sum of Kept and of Dropped.
func (h *Histogram) Total() (kept, dropped int64) {
	for _, n := range h.Kept {
		kept += n
	}
	for _, n := range h.Dropped {
		dropped += n
	}
	return kept, dropped
}

// merge adds o (same edges) into h.
func (h *Histogram) merge(o *Histogram) error {
	if o == nil {
		return nil
	}
	if !slices.Equal(h.Edges, o.Edges) || len(h.Kept) != len(o.Kept) || (o.Dropped != nil && len(h.Dropped) != len(o.Dropped)) {
		return fmt.Errorf("profile: histograms with different bins (%d and %d edges)", len(h.Edges), len(o.Edges))
	}
	for i, n := range o.Kept {
		h.Kept[i] += n
	}
	for i, n := range o.Dropped {
		h.Dropped[i] += n
	}
	return nil
}

// New returns an empty profile; tokens says whether the run tokenizes.
func New(tokens bool) *Profile {
	p := &Profile{Length: newHistogram(SizeEdges(), true), JapaneseRatio: newHistogram(RatioEdges(), true),
		HiraganaRatio: newHistogram(RatioEdges(), true)}
	if tokens {
		p.Tokens = newHistogram(SizeEdges(), false)
	}
	return p
}

// Merge adds o, the profile of other documents of the same job (another
// task), into p. It is associative and commutative: counts add, samples
// keep the SampleSize smallest hashes of both.
func (p *Profile) Merge(o *Profile) error {
	if o == nil {
		return nil
	}
	for _, s := range o.Sources {
		t := p.source(s.Name)
		t.Docs += s.Docs
		t.Chars += s.Chars
		t.KeptDocs += s.KeptDocs
		t.KeptChars += s.KeptChars
		t.KeptTokens += s.KeptTokens
	}
	for _, m := range []struct{ dst, src **Histogram }{{&p.Length, &o.Length}, {&p.Tokens, &o.Tokens},
		{&p.JapaneseRatio, &o.JapaneseRatio}, {&p.HiraganaRatio, &o.HiraganaRatio}} {
		if err := mergeInto(m.dst, *m.src); err != nil {
			return err
		}
	}
	if o.Clusters != nil {
		if p.Clusters == nil {
			p.Clusters = &Clusters{Sizes: newHistogram(SizeEdges(), false)}
		}
		c, oc := p.Clusters, o.Clusters
		c.Clusters += oc.Clusters
		c.Dropped += oc.Dropped
		c.Largest = max(c.Largest, oc.Largest)
		c.Saved += oc.Saved
		if err := c.Sizes.merge(oc.Sizes); err != nil {
			return err
		}
	}
	for _, g := range o.Dropped {
		groupOf(&p.Dropped, g.Stage, g.Reason, "").merge(g)
	}
	for _, g := range o.Kept {
		groupOf(&p.Kept, "", "", g.Source).merge(g)
	}
	return nil
}

// mergeInto adds src into *dst, copying it when *dst is nil.
func mergeInto(dst **Histogram, src *Histogram) error {
	if src == nil {
		return nil
	}
	if *dst == nil {
		*dst = newHistogram(src.Edges, src.Dropped != nil)
	}
	return (*dst).merge(src)
}

// source returns the entry of name, inserted in name order.
func (p *Profile) source(name string) *Source {
	i, found := slices.BinarySearchFunc(p.Sources, name, func(s Source, n string) int { return strings.Compare(s.Name, n) })
	if !found {
		p.Sources = slices.Insert(p.Sources, i, Source{Name: name})
	}
	return &p.Sources[i]
}

// groupOf returns the group (stage, reason, source), inserted in
// that order.
func groupOf(gs *[]Group, stage, reason, source string) *Group {
	cmpKey := func(g Group) int {
		if c := strings.Compare(g.Stage, stage); c != 0 {
			return c
		}
		if c := strings.Compare(g.Reason, reason); c != 0 {
			return c
		}
		return strings.Compare(g.Source, source)
	}
	i, found := slices.BinarySearchFunc(*gs, 0, func(g Group, _ int) int { return cmpKey(g) })
	if !found {
		*gs = slices.Insert(*gs, i, Group{Stage: stage, Reason: reason, Source: source, Samples: []Sample{}})
	}
	return &(*gs)[i]
}

// merge adds o's counts and samples into g.
func (g *Group) merge(o Group) {
	g.Docs += o.Docs
	g.Chars += o.Chars
	for _, d := range o.Samples {
		g.offer(d)
	}
}

// wants reports whether a document of hash h would enter the samples.
func (g *Group) wants(h uint64) bool {
	return len(g.Samples) < SampleSize || h < g.Samples[len(g.Samples)-1].Hash
}

// offer adds d when its hash is among the SampleSize smallest (ties, which
// only equal keys make, by key).
func (g *Group) offer(d Sample) {
	i, found := slices.BinarySearchFunc(g.Samples, d, func(a, b Sample) int {
		if c := cmp.Compare(a.Hash, b.Hash); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	if found || i >= SampleSize {
		return
	}
	g.Samples = slices.Insert(g.Samples, i, d)
	if len(g.Samples) > SampleSize {
		g.Samples = g.Samples[:SampleSize]
	}
}

// KeyHash is the hash that orders the samples: xxh3 of the key's 8 bytes.
func KeyHash(k pipeline.Key) uint64 {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(k))
	return xxh3.Hash(b[:])
}

// Recorder builds a task's Profile from the documents the runner hands its
// Sink and Rejects (Sink and Rejects wrap them). It is not safe for
// concurrent use; the runner calls both from its collector goroutine.
type Recorder struct {
	p *Profile
	// clusters: ExpectClusters
	clusters *clusterTally
}

// NewRecorder returns a recorder; tokens says whether the run tokenizes.
func NewRecorder(tokens bool) *Recorder { return &Recorder{p: New(tokens)} }

// Profile returns the profile recorded so far (not a copy).
func (r *Recorder) Profile() *Profile { return r.p }

// Kept records a written document.
func (r *Recorder) Kept(d *pipeline.Document) {
	r.cluster(d)
	sc := scripts(d)
	s := r.p.source(d.Source)
	s.Docs++
	s.KeptDocs++
	s.Chars += int64(sc.Chars)
	s.KeptChars += int64(sc.Chars)
	s.KeptTokens += int64(d.Tokens)
	p := r.p
	p.Length.Kept[p.Length.Bin(float64(sc.Chars))]++
	if p.Tokens != nil {
		p.Tokens.Kept[p.Tokens.Bin(float64(d.Tokens))]++
	}
	if sc.Letters > 0 {
		p.JapaneseRatio.Kept[ratioBin(sc.Japanese(), sc.Letters)]++
	}
	if j := sc.Japanese(); j > 0 {
		p.HiraganaRatio.Kept[ratioBin(sc.Hiragana, j)]++
	}
	g := groupOf(&p.Kept, "", "", d.Source)
	g.Docs++
	g.Chars += int64(sc.Chars)
	if h := KeyHash(d.Key); g.wants(h) {
		g.offer(sample(h, d, sc.Chars))
	}
}

// Dropped records a document a stage dropped for reason.
func (r *Recorder) Dropped(stage, reason string, d *pipeline.Document) {
	r.cluster(d)
	sc := scripts(d)
	s := r.p.source(d.Source)
	s.Docs++
	s.Chars += int64(sc.Chars)
	p := r.p
	p.Length.Dropped[p.Length.Bin(float64(sc.Chars))]++
	if sc.Letters > 0 {
		p.JapaneseRatio.Dropped[ratioBin(sc.Japanese(), sc.Letters)]++
	}
	if j := sc.Japanese(); j > 0 {
		p.HiraganaRatio.Dropped[ratioBin(sc.Hiragana, j)]++
	}
	g := groupOf(&p.Dropped, stage, reason, "")
	g.Docs++
	g.Chars += int64(sc.Chars)
	if h := KeyHash(d.Key); g.wants(h) {
		smp := sample(h, d, sc.Chars)
		if v, ok := d.Scratch.Get(pipeline.DropScore{}).(float64); ok {
			smp.Score = &v
		}
		g.offer(smp)
	}
}

// scripts returns what the filters stage counted, or counts it (a
// document dropped before the filters).
func scripts(d *pipeline.Document) filters.Scripts {
	if s, ok := filters.ScriptsOf(d); ok {
		return s
	}
	return filters.CountScripts(d.Text)
}

// sample makes the Sample of d: the first SampleChars characters of its
// text, cut at a character boundary.
func sample(h uint64, d *pipeline.Document, chars int) Sample {
	text := d.Text
	n := 0
	for i := range text {
		if n == SampleChars {
			text = text[:i]
			break
		}
		n++
	}
	return Sample{Hash: h, Key: d.Key.String(), ID: d.ID, Source: d.Source, Chars: int64(chars), Text: strings.ToValidUTF8(text, "\uFFFD")}
}

// Sink returns a Sink that records every document, then hands the batch to
// next (nil: none).
func (r *Recorder) Sink(next pipeline.Sink) pipeline.Sink {
	return pipeline.SinkFunc(func(docs []*pipeline.Document) error {
		for _, d := range docs {
			r.Kept(d)
		}
		if next == nil {
			return nil
		}
		return next.Write(docs)
	})
}

// Rejects returns a Rejects that records every dropped document, then
// passes problems and drops on to next (nil: none).
func (r *Recorder) Rejects(next pipeline.Rejects) pipeline.Rejects {
	return &rejects{r: r, next: next}
}

type rejects struct {
	r    *Recorder
	next pipeline.Rejects
}

func (j *rejects) Problem(p *pipeline.Problem) error {
	if j.next == nil {
		return nil
	}
	return j.next.Problem(p)
}

func (j *rejects) Dropped(stage, reason string, d *pipeline.Document) error {
	j.r.Dropped(stage, reason, d)
	if j.next == nil {
		return nil
	}
	return j.next.Dropped(stage, reason, d)
}

// NearClusters computes the Clusters of the near duplicates that pairs
// lists: (document, the earliest document it repeats; dedup.SavedRep for a
// saved index's). exact reports the documents exact dedup dropped (their
// pairs are left out, as exact dedup runs first); nil: none.
func NearClusters(pairs [][2]uint64, exact func(pipeline.Key) bool) *Clusters {
	t := follow(pairs, exact)
	c := &Clusters{Sizes: newHistogram(SizeEdges(), false), Saved: int64(len(t.saved))}
	for _, r := range t.roots {
		c.add(r.n)
	}
	return c
}

// add counts a cluster of one kept document and n dropped ones.
func (c *Clusters) add(n int64) {
	c.Clusters++
	c.Dropped += n
	c.Largest = max(c.Largest, n+1)
	c.Sizes.Kept[c.Sizes.Bin(float64(n+1))]++
}

// clusterTally is what follow finds: per root (a document near dedup kept),
// the documents dropped as its copies, by root key; and the copies of saved
// documents, sorted. About 25 bytes per pair while following, 16 per
// cluster and 8 per copy of a saved document after.
type clusterTally struct {
	roots []rootCount
	saved []uint64
}

type rootCount struct {
	key uint64
	n   int64
}

// root returns the copies of the cluster rooted at key (0: none).
func (t *clusterTally) root(key uint64) int64 {
	i, ok := slices.BinarySearchFunc(t.roots, key, func(r rootCount, k uint64) int { return cmp.Compare(r.key, k) })
	if !ok {
		return 0
	}
	return t.roots[i].n
}

// isSaved reports whether key is a copy of a saved document.
func (t *clusterTally) isSaved(key uint64) bool {
	_, ok := slices.BinarySearch(t.saved, key)
	return ok
}

// follow resolves every pair to its root: the document near dedup kept
// (or SavedRep), following reps that were dropped themselves. Reps come
// before their documents, so in document order a rep's root is known when
// its document is reached.
func follow(pairs [][2]uint64, exact func(pipeline.Key) bool) clusterTally {
	byDoc := func(a, b [2]uint64) int { return cmp.Compare(a[0], b[0]) }
	if !slices.IsSortedFunc(pairs, byDoc) {
		pairs = slices.SortedFunc(slices.Values(pairs), byDoc)
	}
	rootOf := make([]uint64, len(pairs))
	left := make([]bool, len(pairs)) // an exact duplicate's pair
	var t clusterTally
	var roots []uint64
	for i, p := range pairs {
		if exact != nil && exact(pipeline.Key(p[0])) {
			left[i] = true
			continue
		}
		r := p[1]
		if r != savedRep {
			if j, ok := slices.BinarySearchFunc(pairs[:i], r, func(q [2]uint64, k uint64) int { return cmp.Compare(q[0], k) }); ok && !left[j] {
				r = rootOf[j] // the rep was dropped itself: its root
			}
		}
		rootOf[i] = r
		if r == savedRep {
			t.saved = append(t.saved, p[0])
		} else {
			roots = append(roots, r)
		}
	}
	slices.Sort(roots)
	for i := 0; i < len(roots); {
		j := i
		for j < len(roots) && roots[j] == roots[i] {
			j++
		}
		t.roots = append(t.roots, rootCount{roots[i], int64(j - i)})
		i = j
	}
	return t
}

// ExpectClusters makes the recorder count the near-duplicate clusters of
// pairs (as NearClusters) whose documents it sees: a cluster when it sees
// its root, a copy of a saved document when it sees that copy. The write
// tasks of a job each see their slice, and all know the job's pairs; the
// profiles of the tasks then add up to the job's.
func (r *Recorder) ExpectClusters(pairs [][2]uint64, exact func(pipeline.Key) bool) {
	t := follow(pairs, exact)
	r.clusters = &t
	r.p.Clusters = &Clusters{Sizes: newHistogram(SizeEdges(), false)}
}

// cluster counts d's cluster or d as a copy of a saved document.
func (r *Recorder) cluster(d *pipeline.Document) {
	if r.clusters == nil {
		return
	}
	if n := r.clusters.root(uint64(d.Key)); n > 0 {
		r.p.Clusters.add(n)
	}
	if r.clusters.isSaved(uint64(d.Key)) {
		r.p.Clusters.Saved++
	}
}

// savedRep is dedup.SavedRep (not imported: dedup is heavier than this
// package needs).
const savedRep = ^uint64(0)

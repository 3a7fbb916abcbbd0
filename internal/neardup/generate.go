package neardup

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kinds of Doc.Edit.
const (
	// EditBase is a family's base document itself.
	EditBase = "base"
	// EditInsert adds runs of sentences taken from other real documents.
	EditInsert = "insert"
	// EditDelete removes runs of sentences (or, for the last small step,
	// a clause).
	EditDelete = "delete"
	// EditReplace changes a few characters inside sentences: digits, kanji
	// numerals, particles, verb endings, near-synonyms.
	EditReplace = "replace"
	// EditBoilerplate swaps, adds or removes a site header and footer
	// (share buttons, 関連記事 lists, copyright lines); when that alone
	// cannot reach the target, sentences are deleted as well.
	EditBoilerplate = "boilerplate"
	// EditMixed combines all of the above.
	EditMixed = "mixed"
	// EditCopy is an exact copy of another document of the family.
	EditCopy = "copy"
	// EditUnrelated is a real document of no family (Family is -1).
	EditUnrelated = "unrelated"
)

// Options configures Generate. Zero fields take their defaults.
type Options struct {
	// Seed seeds the math/rand/v2 PCG generator: the same seed (and the
	// same bases and options) gives the same set.
	Seed uint64
	// Families is the number of base documents (default 60); it is capped
	// at the number of bases of at least MinChars runes.
	Families int
	// Variants is the number of edited copies per base (default 6).
	Variants int
	// NGram is the shingle length, in runes, used to aim the edits
	// (default 5); Truth should be called with the same length.
	NGram int
	// MinChars and MaxChars bound the length of the base documents in
	// runes (defaults 800 and 6000): shorter bases are not used as family
	// bases, longer ones are cut at sentence boundaries to a random length
	// in the range.
	MinChars, MaxChars int
}

// withDefaults fills the zero fields of o.
func (o Options) withDefaults() Options {
	if o.Families <= 0 {
		o.Families = 60
	}
	if o.Variants < 0 {
		o.Variants = 0
	} else if o.Variants == 0 {
		o.Variants = 6
	}
	if o.NGram <= 0 {
		o.NGram = 5
	}
	if o.MinChars <= 0 {
		o.MinChars = 800
	}
	if o.MaxChars <= 0 {
		o.MaxChars = 6000
	}
	if o.MaxChars < o.MinChars {
		o.MaxChars = o.MinChars
	}
	return o
}

// Doc is one document of a generated set.
type Doc struct {
	// Text is the document.
	Text string
	// Family is the index (in generation order, 0 ≤ Family < number of
	// families) of the base document this one came from; -1 for an
	// unrelated document.
	Family int
	// Target is the Jaccard similarity to the family's base that the edit
	// aimed at: 1 for the base itself, that of the copied document for a
	// copy, 0 for an unrelated document.
	Target float64
	// Edit is the kind of document: EditBase, EditInsert, EditDelete,
	// EditReplace, EditBoilerplate, EditMixed, EditCopy or EditUnrelated.
	Edit string
	// Achieved is the exact Jaccard similarity (character n-grams of
	// Options.NGram runes) of Text with the family's base text; 0 for an
	// unrelated document.
	Achieved float64
}

// aimBand is how close to its target a variant is edited: editing stops
// once the similarity is within this of the target, and a step that would go
// further below is undone and replaced by a smaller one.
const aimBand = 0.015

// Generate builds a seeded near-duplicate benchmark set from real documents.
//
// Families bases are drawn (seeded) from the bases of at least MinChars
// runes and cut to at most MaxChars runes at sentence boundaries; about a
// quarter of them get a web-page header and footer. Each base gets Variants
// edited copies, each aimed at a target Jaccard similarity to its base:
// targets are spread (stratified) over [0.3, 0.99], 20% below 0.6, 65% in
// the interesting zone [0.6, 0.95) and 15% at [0.95, 0.99]. A variant is
// built by applying edits of its kind one by one, measuring the exact
// n-gram similarity to the base after each, until it is within ±0.015 of
// the target (a step that would overshoot is undone and replaced by a
// smaller one); Doc.Achieved records where it ended. Sentences to insert
// come from bases that are not family bases. A tenth of the families also
// get an exact copy of one of their documents, and about as many unrelated
// real documents are added. The result is shuffled, so copies may come
// before their base and families interleave.
//
// Generate is deterministic: the same bases and options give the same
// documents in the same order. It returns nil when no base is long enough.
func Generate(bases []string, o Options) []Doc {
	o = o.withDefaults()
	rng := rand.New(rand.NewPCG(o.Seed, 0x6e65617264757073))
	var long, short []int
	for i, b := range bases {
		if utf8.RuneCountInString(strings.TrimSpace(b)) >= o.MinChars {
			long = append(long, i)
		} else if strings.TrimSpace(b) != "" {
			short = append(short, i)
		}
	}
	rng.Shuffle(len(long), func(i, j int) { long[i], long[j] = long[j], long[i] })
	nf := min(o.Families, len(long))
	if nf == 0 {
		return nil
	}
	nUnrelated := min(max(1, nf/10), len(long)-nf)
	nCopies := max(1, nf/10)
	famIdx := long[:nf]
	unrelated := long[nf : nf+nUnrelated]

	g := &generator{n: o.NGram, rng: rng}
	for i, b := range bases {
		if h := headline(b); h != "" {
			g.boiler.titles = append(g.boiler.titles, titled{h, i})
		}
	}
	// Donor sentences: from the bases used neither as family bases nor as
	// unrelated documents; failing those, from the other families' bases.
	donorIdx := append(slices.Clone(long[nf+nUnrelated:]), short...)
	for _, i := range donorIdx {
		g.addDonor(cutToRange(bases[i], 1, o.MaxChars, rng), -1)
	}
	if len(g.donors) == 0 {
		for f, i := range famIdx {
			g.addDonor(bases[i], f)
		}
	}

	targets := spreadTargets(nf*o.Variants, rng)
	docs := make([]Doc, 0, nf*(1+o.Variants)+nCopies+nUnrelated)
	for f, i := range famIdx {
		fam := g.newFamily(f, i, cutToRange(bases[i], o.MinChars, o.MaxChars, rng))
		docs = append(docs, Doc{Text: string(fam.text), Family: f, Target: 1, Edit: EditBase, Achieved: 1})
		for v := range o.Variants {
			t := targets[f*o.Variants+v]
			kind := pickKind(t, rng)
			text := g.variant(fam, t, kind)
			docs = append(docs, Doc{Text: text, Family: f, Target: t, Edit: kind, Achieved: setJaccard(fam.exact, shingleSet(text, g.n))})
		}
	}
	famDocs := len(docs)
	for range nCopies {
		d := docs[rng.IntN(famDocs)]
		d.Edit = EditCopy
		docs = append(docs, d)
	}
	for _, i := range unrelated {
		docs = append(docs, Doc{Text: cutToRange(bases[i], o.MinChars, o.MaxChars, rng), Family: -1, Edit: EditUnrelated})
	}
	rng.Shuffle(len(docs), func(i, j int) { docs[i], docs[j] = docs[j], docs[i] })
	return docs
}

// spreadTargets returns k target similarities, stratified over the target
// distribution (20% uniform in [0.3, 0.6), 65% in [0.6, 0.95), 15% in
// [0.95, 0.99]) and shuffled, rounded to 0.001.
func spreadTargets(k int, rng *rand.Rand) []float64 {
	ts := make([]float64, k)
	for i := range ts {
		u := (float64(i) + rng.Float64()) / float64(k)
		var t float64
		switch {
		case u < 0.2:
			t = 0.3 + u/0.2*0.3
		case u < 0.85:
			t = 0.6 + (u-0.2)/0.65*0.35
		default:
			t = 0.95 + (u-0.85)/0.15*0.04
		}
		ts[i] = math.Round(t*1000) / 1000
	}
	rng.Shuffle(k, func(i, j int) { ts[i], ts[j] = ts[j], ts[i] })
	return ts
}

// pickKind chooses the edit kind of a variant aimed at t: replacements and
// boilerplate swaps only make realistic documents down to about 0.8.
func pickKind(t float64, rng *rand.Rand) string {
	if t >= 0.8 {
		return [...]string{EditInsert, EditDelete, EditReplace, EditBoilerplate, EditMixed}[rng.IntN(5)]
	}
	return [...]string{EditInsert, EditDelete, EditMixed}[rng.IntN(3)]
}

// cutToRange returns text if it has at most hi runes, else a run of whole
// sentences of it (from a random sentence on) whose length is a random value
// in [lo, hi]; a sentence longer than that is cut.
func cutToRange(text string, lo, hi int, rng *rand.Rand) string {
	rs := []rune(text)
	if len(rs) <= hi {
		return text
	}
	want := lo + rng.IntN(hi-lo+1)
	spans := sentenceSpans(rs, 0, len(rs))
	var starts []int // sentences with at least want runes from their start on
	for k, sp := range spans {
		if len(rs)-sp.a >= want {
			starts = append(starts, k)
		}
	}
	k := starts[rng.IntN(len(starts))]
	a, b := spans[k].a, spans[k].a
	for ; k < len(spans) && spans[k].b-a <= want; k++ {
		b = spans[k].b
	}
	if b-a < lo {
		b = a + want // no sentence boundary in range: cut inside one
	}
	return strings.TrimSpace(string(rs[a:b]))
}

// span is the rune range [a, b).
type span struct{ a, b int }

// isTerminal reports whether r ends a sentence.
func isTerminal(r rune) bool {
	switch r {
	case '。', '!', '?', '！', '？':
		return true
	}
	return false
}

// isClosing reports whether r is a closing bracket or quote that belongs to
// the sentence before it.
func isClosing(r rune) bool {
	switch r {
	case '」', '』', '）', ')', '】', '〉', '》', '"':
		return true
	}
	return false
}

// sentenceSpans splits rs[lo:hi] into sentences: after 。!? (with any
// closing brackets and one newline that follow) and after every newline.
func sentenceSpans(rs []rune, lo, hi int) []span {
	var out []span
	start := lo
	for i := lo; i < hi; i++ {
		r := rs[i]
		if r == '\n' {
			out = append(out, span{start, i + 1})
			start = i + 1
			continue
		}
		if isTerminal(r) {
			j := i + 1
			for j < hi && (isTerminal(rs[j]) || isClosing(rs[j])) {
				j++
			}
			if j < hi && rs[j] == '\n' {
				j++
			}
			out = append(out, span{start, j})
			start = j
			i = j - 1
		}
	}
	if start < hi {
		out = append(out, span{start, hi})
	}
	return out
}

// blank reports whether rs holds only white space.
func blank(rs []rune) bool {
	for _, r := range rs {
		if !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// generator holds what the variants of one Generate call draw from.
type generator struct {
	n      int
	rng    *rand.Rand
	boiler boiler
	donors []donor
}

// donor is a real document whose sentences may be inserted into variants
// of any family but fam.
type donor struct {
	sentences [][]rune
	fam       int
}

// addDonor splits text into sentences and adds it to the donors.
func (g *generator) addDonor(text string, fam int) {
	rs := []rune(text)
	var d donor
	for _, sp := range sentenceSpans(rs, 0, len(rs)) {
		if !blank(rs[sp.a:sp.b]) {
			d.sentences = append(d.sentences, rs[sp.a:sp.b])
		}
	}
	if len(d.sentences) > 0 {
		d.fam = fam
		g.donors = append(g.donors, d)
	}
}

// family is a base document with what its variants need.
type family struct {
	index      int // in generation order
	base       int // index in the bases given to Generate
	site       string
	text       []rune
	head, foot int // runes of boilerplate at the start and the end of text
	counts     map[uint64]int32
	exact      map[string]struct{}
}

// newFamily prepares family f from body (a base document), adding a site
// header and footer to about a quarter of them.
func (g *generator) newFamily(f, base int, body string) *family {
	fam := &family{index: f, base: base, site: pick(g.rng, siteNames())}
	var head, foot string
	if g.rng.IntN(4) == 0 {
		head = g.boiler.header(g.rng, fam.site)
		foot = g.boiler.footer(g.rng, fam.site, base)
		if !strings.HasSuffix(body, "\n") {
			body += "\n"
		}
	}
	fam.text = []rune(head + body + foot)
	fam.head = utf8.RuneCountInString(head)
	fam.foot = utf8.RuneCountInString(foot)
	fam.counts = make(map[uint64]int32, len(fam.text))
	e := editor{n: g.n, cur: fam.text, counts: fam.counts}
	e.recount()
	fam.exact = shingleSet(string(fam.text), g.n)
	return fam
}

// variant edits a copy of fam's text with edits of kind until its n-gram
// similarity to the base is within aimBand of target.
func (g *generator) variant(fam *family, target float64, kind string) string {
	e := &editor{
		n:      g.n,
		base:   fam.counts,
		cur:    slices.Clone(fam.text),
		counts: make(map[uint64]int32, len(fam.counts)),
		head:   fam.head,
		foot:   fam.foot,
	}
	for h, c := range fam.counts {
		e.counts[h] = c
	}
	e.distinct, e.inter = len(fam.counts), len(fam.counts)
	rng := g.rng
	applied, fails, boilerOps := 0, 0, 0
	for step := 0; step < 20000 && fails < 200; step++ {
		j := e.jaccard()
		if applied > 0 && j < 1 && j <= target+aimBand {
			break
		}
		union, inter := float64(e.union()), float64(e.inter)
		delBudget := int(math.Max(1, (j-target)*union))   // shared n-grams to remove
		insBudget := int(math.Max(1, inter/target-union)) // new n-grams to add
		op := kind
		switch kind {
		case EditMixed:
			op = [...]string{EditInsert, EditDelete, EditReplace, EditReplace, EditBoilerplate}[rng.IntN(5)]
		case EditBoilerplate:
			if boilerOps >= 3 {
				op = EditDelete // boilerplate alone cannot get this far
			}
		}
		if fails >= 8 {
			op = EditReplace // the smallest step there is
		}
		mark := len(e.journal)
		var ok bool
		switch op {
		case EditInsert:
			ok = g.insert(e, fam, insBudget)
		case EditDelete:
			ok = g.delete(e, delBudget)
		case EditReplace:
			ok = g.replace(e)
		case EditBoilerplate:
			ok = g.swapBoilerplate(e, fam)
		}
		if !ok {
			fails++
			continue
		}
		if e.jaccard() < target-aimBand && fails < 20 {
			e.undo(mark) // overshot: try something smaller
			fails++
			continue
		}
		e.journal = e.journal[:0]
		applied++
		fails = 0
		if op == EditBoilerplate {
			boilerOps++
		}
	}
	return string(e.cur)
}

// insert puts a run of one to four consecutive sentences of a donor
// document (of at most budget runes) at a sentence boundary of the body.
func (g *generator) insert(e *editor, fam *family, budget int) bool {
	if budget < 4 || len(g.donors) == 0 {
		return false
	}
	rng := g.rng
	for range 12 {
		d := g.donors[rng.IntN(len(g.donors))]
		if d.fam == fam.index {
			continue
		}
		k := rng.IntN(len(d.sentences))
		want := 1 + rng.IntN(4)
		var ins []rune
		for ; k < len(d.sentences) && want > 0 && len(ins)+len(d.sentences[k]) <= budget; k++ {
			ins = append(ins, d.sentences[k]...)
			want--
		}
		if len(ins) == 0 {
			continue
		}
		spans := e.sentences()
		at := len(e.cur) - e.foot
		if k := rng.IntN(len(spans) + 1); k < len(spans) {
			at = spans[k].a
		}
		if at > 0 && e.cur[at-1] != '\n' && ins[len(ins)-1] == '\n' {
			ins = ins[:len(ins)-1] // inside a line: do not break it
		}
		e.splice(at, at, ins)
		return true
	}
	return false
}

// delete removes one to three consecutive sentences of the body of at most
// budget runes, or, when every sentence is longer, a clause of one (up to a
// 、 when there is one within budget).
func (g *generator) delete(e *editor, budget int) bool {
	rng := g.rng
	spans := e.sentences()
	var content []span
	for _, sp := range spans {
		if !blank(e.cur[sp.a:sp.b]) {
			content = append(content, sp)
		}
	}
	if len(content) < 2 {
		return false
	}
	for range 12 {
		k := rng.IntN(len(content))
		want := 1 + rng.IntN(3)
		a, b := content[k].a, content[k].a
		for ; k < len(content)-1 && want > 0 && content[k].b-a <= budget; k++ {
			b = content[k].b
			want--
		}
		if b > a {
			e.splice(a, b, nil)
			return true
		}
	}
	if budget < 3 {
		return false
	}
	sp := content[rng.IntN(len(content))]
	if sp.b-sp.a <= budget+1 {
		return false
	}
	end := sp.a + budget
	for i := end - 1; i > sp.a+budget/2; i-- {
		if e.cur[i] == '、' {
			end = i + 1
			break
		}
	}
	e.splice(sp.a, end, nil)
	return true
}

// replacement is a small wording change: a phrase and what it may become.
type replacement struct{ from, to string }

// phraseReplacements are near-synonyms and changes of tense or style that
// an edited copy of a Japanese text typically shows.
func phraseReplacements() []replacement {
	return []replacement{
		{"します", "しました"}, {"しました", "します"}, {"である", "であった"}, {"でございます", "です"},
		{"と思います", "と考えます"}, {"と考えます", "と思います"}, {"について", "に関して"}, {"に関して", "について"},
		{"ものとする", "こととする"}, {"することができる", "できる"}, {"平成", "令和"}, {"昭和", "平成"},
		{"政府", "内閣"}, {"委員会", "審議会"}, {"法律", "法令"}, {"必要", "重要"}, {"ただいま", "只今"},
		{"言った", "云った"}, {"云う", "言う"}, {"ところ", "所"}, {"私", "わたし"}, {"及び", "並びに"},
	}
}

// swapRune returns a different rune for a digit, a kanji numeral or (after
// a kanji or katakana, before a non-hiragana) a particle, else 0.
func swapRune(rs []rune, i int, rng *rand.Rand) rune {
	r := rs[i]
	const kanjiDigits = "一二三四五六七八九"
	const particles = "はがをにでともの"
	switch {
	case r >= '0' && r <= '9':
		return '0' + (r-'0'+1+rune(rng.IntN(9)))%10
	case strings.ContainsRune(kanjiDigits+"十〇", r):
		ks := []rune(kanjiDigits)
		for {
			if c := ks[rng.IntN(len(ks))]; c != r {
				return c
			}
		}
	case strings.ContainsRune(particles, r) && i > 0 && i+1 < len(rs) &&
		(unicode.Is(unicode.Han, rs[i-1]) || unicode.Is(unicode.Katakana, rs[i-1])) &&
		!unicode.Is(unicode.Hiragana, rs[i+1]):
		ps := []rune(particles)
		for {
			if c := ps[rng.IntN(len(ps))]; c != r {
				return c
			}
		}
	}
	return 0
}

// replace makes one small change inside a sentence of the body, from a
// random position on: a phrase replacement, a changed digit, numeral or
// particle, or, when none is near, two swapped characters (a typo).
func (g *generator) replace(e *editor) bool {
	rng := g.rng
	lo, hi := e.head, len(e.cur)-e.foot
	if hi-lo < 2 {
		return false
	}
	p := lo + rng.IntN(hi-lo)
	phrases := phraseReplacements()
	for q := p; q < min(hi, p+400); q++ {
		if rng.IntN(2) == 0 {
			for _, pr := range phrases {
				if hasPrefixRunes(e.cur[q:hi], pr.from) {
					e.splice(q, q+utf8.RuneCountInString(pr.from), []rune(pr.to))
					return true
				}
			}
		}
		if c := swapRune(e.cur[:hi], q, rng); c != 0 {
			e.splice(q, q+1, []rune{c})
			return true
		}
	}
	for q := p; q+1 < hi; q++ {
		a, b := e.cur[q], e.cur[q+1]
		if a != b && !unicode.IsSpace(a) && !unicode.IsSpace(b) {
			e.splice(q, q+2, []rune{b, a})
			return true
		}
	}
	return false
}

// hasPrefixRunes reports whether rs starts with s.
func hasPrefixRunes(rs []rune, s string) bool {
	i := 0
	for _, r := range s {
		if i >= len(rs) || rs[i] != r {
			return false
		}
		i++
	}
	return true
}

// swapBoilerplate replaces the header or the footer with a new fill of the
// templates (either may also be removed, or added where there was none).
func (g *generator) swapBoilerplate(e *editor, fam *family) bool {
	rng := g.rng
	if rng.IntN(2) == 0 {
		h := ""
		if e.head == 0 || rng.IntN(5) > 0 {
			h = g.boiler.header(rng, fam.site)
		}
		rs := []rune(h)
		e.splice(0, e.head, rs)
		e.head = len(rs)
		return true
	}
	f := ""
	if e.foot == 0 || rng.IntN(5) > 0 {
		f = g.boiler.footer(rng, fam.site, fam.base)
	}
	end := len(e.cur) - e.foot
	if f != "" && end > 0 && e.cur[end-1] != '\n' {
		f = "\n" + f
	}
	rs := []rune(f)
	e.splice(end, len(e.cur), rs)
	e.foot = len(rs)
	return true
}

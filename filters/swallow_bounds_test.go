package filters

import (
	"strings"
	"testing"

	"github.com/jacorpus/jacorpus/internal/testcorpus"
)

// boundaryTexts are real texts to look for boundary scores in: every prefix
// of the fixture documents and of sample Diet speeches that ends a line,
// and every prefix of up to 700 characters of the first of them.
func boundaryTexts(t *testing.T) []string {
	t.Helper()
	var docs []string
	for _, d := range testcorpus.Fixture(t) {
		docs = append(docs, d.Text)
	}
	speeches := readJSONL(t, "sample/diet_speeches.jsonl.gz")
	for _, id := range sortedKeys(speeches) {
		docs = append(docs, speeches[id])
	}
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for k, d := range docs {
		for i := 0; i < len(d); i++ {
			if d[i] == '\n' {
				add(d[:i])
				add(d[:i+1])
			}
		}
		add(d)
		if k < 120 {
			n := 0
			for i := range d {
				if n++; n > 700 {
					break
				}
				add(d[:i])
			}
		}
	}
	return out
}

// TestSwallowPresetBounds: for every quality rule of the swallow preset, real
// text (prefixes of sample documents) scoring exactly the threshold is kept
// — every apply_v1 comparison is strict (quality.py:108-148: "if x < t" or
// "if x > t" rejects) — and the nearest real scores on either side are
// kept and dropped as the comparison says.
func TestSwallowPresetBounds(t *testing.T) {
	texts := boundaryTexts(t)
	// real sentences of a speech, arranged so that 3 of 10 sentences repeat
	// an earlier one (duplicate_sentence_fraction 0.3) and 1 of 5 ends in
	// an ellipsis (ellipsis_fraction 0.2: a sentence without a terminator
	// ends at the line end, quality.py:58, :93-94)
	sents := realSentences(t, texts, 7)
	texts = append(texts,
		strings.Join(sents[:7], "")+sents[0]+sents[1]+sents[2],
		strings.Join(sents[:4], "")+"\n"+strings.TrimSuffix(sents[4], "。")+"…")
	keepAt := map[string]bool{}
	p, _ := ShippedPreset("swallow")
	for _, s := range p.Steps {
		if s.List == "" {
			keepAt[s.Rule] = true
		}
	}
	// no real prefix scores these exactly (the fraction's denominator never
	// divides): only the nearest scores either side are checked
	checkBoundsOnRealText(t, "swallow", texts, keepAt, "top_3gram_character_fraction", "duplicate_9gram_character_fraction")
}

// TestHojicharPresetBoundsRealText: as TestSwallowPresetBounds for the
// hojichar preset's ratio rules, with HojiChar's strictness
// (document_filters.py: char_repetition and single-character runs reject
// at >=, the others at >). Its count rules (BBS, ads, AcceptJapanese,
// single-character runs) have no real text at their thresholds: their
// boundaries are TestHojicharPresetBounds' cases.
func TestHojicharPresetBoundsRealText(t *testing.T) {
	texts := boundaryTexts(t)
	// ten real sentences a line each, k of them ending in … (ending_ellipsis
	// k/10: matches of "…\n" / newlines)
	sents := realSentences(t, texts, 10)
	for _, k := range []int{6, 7, 8} {
		var b strings.Builder
		for i, s := range sents[:10] {
			if i < k {
				s = strings.TrimSuffix(s, "。") + "…"
			}
			b.WriteString(s + "\n")
		}
		texts = append(texts, b.String())
	}
	keepAt := map[string]bool{"rare_kuten": true, "char_repetition": false,
		"special_tokens": true, "ending_ellipsis": true, "short_lines": true}
	checkBoundsOnRealText(t, "hojichar", texts, keepAt)
}

// realSentences returns n sentences ending in 。 (and holding no other
// terminator or line break) of one of texts, from the last one up.
func realSentences(t *testing.T, texts []string, n int) []string {
	t.Helper()
	var sents []string
	for k := len(texts) - 1; k >= 0 && len(sents) < n; k-- {
		sents = sents[:0]
		for _, s := range strings.SplitAfter(texts[k], "。") {
			if strings.HasSuffix(s, "。") && !strings.ContainsAny(s, "\n！？!?．…") {
				sents = append(sents, s)
			}
		}
	}
	if len(sents) < n {
		t.Fatalf("%d sentences", len(sents))
	}
	return sents
}

// checkBoundsOnRealText checks the rules of preset named in keepAt: a real
// text scoring exactly the rule's threshold is kept iff keepAt says so
// (every rule but those in mayMiss must have one), and the nearest real
// scores below and above the threshold decide as the bound says.
func checkBoundsOnRealText(t *testing.T, preset string, texts []string, keepAt map[string]bool, mayMiss ...string) {
	t.Helper()
	p, _ := ShippedPreset(preset)
	type near struct {
		at              string
		below, above    float64
		belowT, aboveT  string
		hasBelow, hasAb bool
	}
	var d docState
	var rules []Step
	for _, s := range p.Steps {
		if _, ok := keepAt[s.Rule]; ok && s.List == "" {
			rules = append(rules, s)
		}
	}
	if len(rules) != len(keepAt) {
		t.Fatalf("%s: %d of the rules %v", preset, len(rules), sortedKeys(keepAt))
	}
	found := map[string]*near{}
	for _, s := range rules {
		found[s.Rule] = &near{}
	}
	for _, text := range texts {
		d.reset(text, "")
		for _, s := range rules {
			m, _ := LookupMeasure(s.Measure)
			v := m.score(&d, &rule{})
			n, th := found[s.Rule], s.Keep.Value
			switch {
			case v == th:
				if n.at == "" || len(text) < len(n.at) {
					n.at = text
				}
			case v < th && (!n.hasBelow || v > n.below):
				n.below, n.belowT, n.hasBelow = v, text, true
			case v > th && (!n.hasAb || v < n.above):
				n.above, n.aboveT, n.hasAb = v, text, true
			}
		}
	}
	// rules whose threshold no real prefix hits exactly (the fraction's
	// denominator never divides): only the nearest scores are checked
	miss := map[string]bool{}
	for _, r := range mayMiss {
		miss[r] = true
	}
	noExact := map[string]bool{}
	for _, s := range rules {
		n := found[s.Rule]
		b := *s.Keep
		if n.at == "" {
			noExact[s.Rule] = true
			if !miss[s.Rule] {
				t.Errorf("%s: no real text scores exactly %v", s.Rule, b.Value)
			}
		} else if b.Keep(b.Value) != keepAt[s.Rule] {
			t.Errorf("%s %s %v: a text scoring exactly the threshold: kept %v, the reference %v", preset, s.Rule, b, b.Keep(b.Value), keepAt[s.Rule])
		} else {
			t.Logf("%s %v: %q… scores exactly the threshold, kept %v", s.Rule, b, firstN(n.at, 30), b.Keep(b.Value))
		}
		if !n.hasBelow || !n.hasAb {
			t.Errorf("%s: no real text on both sides of %v", s.Rule, b.Value)
			continue
		}
		lowKept, highKept := b.Keep(n.below), b.Keep(n.above)
		if b.Cmp == Less || b.Cmp == LessEq {
			if !lowKept || highKept {
				t.Errorf("%s %v: %v kept %v, %v kept %v", s.Rule, b, n.below, lowKept, n.above, highKept)
			}
		} else if lowKept || !highKept {
			t.Errorf("%s %v: %v kept %v, %v kept %v", s.Rule, b, n.below, lowKept, n.above, highKept)
		}
	}
	t.Logf("%s: %d texts; no exact hit: %v", preset, len(texts), sortedKeys(noExact))
}

func firstN(s string, n int) string { return strings.ReplaceAll(prefixRunes(s, n), "\n", "⏎") }

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
	p, _ := ShippedPreset("swallow")
	texts := boundaryTexts(t)
	// real sentences of a speech, arranged so that 3 of 10 sentences repeat
	// an earlier one (duplicate_sentence_fraction 0.3) and 1 of 5 ends in
	// an ellipsis (ellipsis_fraction 0.2: a sentence without a terminator
	// ends at the line end, quality.py:58, :93-94)
	var sents []string
	for k := len(texts) - 1; k >= 0 && len(sents) < 7; k-- {
		sents = sents[:0]
		for _, s := range strings.SplitAfter(texts[k], "。") {
			if strings.HasSuffix(s, "。") && !strings.ContainsAny(s, "\n！？!?．") {
				sents = append(sents, s)
			}
		}
	}
	if len(sents) < 7 {
		t.Fatalf("%d sentences", len(sents))
	}
	texts = append(texts,
		strings.Join(sents[:7], "")+sents[0]+sents[1]+sents[2],
		strings.Join(sents[:4], "")+"\n"+strings.TrimSuffix(sents[4], "。")+"…")
	type near struct {
		at              string
		below, above    float64
		belowT, aboveT  string
		hasBelow, hasAb bool
	}
	found := map[string]*near{}
	var d docState
	var rules []Step
	for _, s := range p.Steps {
		if s.List == "" {
			rules = append(rules, s)
			found[s.Rule] = &near{}
		}
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
	mayMiss := map[string]bool{"top_3gram_character_fraction": true, "duplicate_9gram_character_fraction": true}
	noExact := map[string]bool{}
	for _, s := range rules {
		n := found[s.Rule]
		b := *s.Keep
		if n.at == "" {
			noExact[s.Rule] = true
			if !mayMiss[s.Rule] {
				t.Errorf("%s: no real text scores exactly %v", s.Rule, b.Value)
			}
		} else if !b.Keep(b.Value) {
			t.Errorf("%s %v: a text scoring exactly the threshold is dropped; apply_v1 keeps it", s.Rule, b)
		} else {
			t.Logf("%s %v: kept at %q…", s.Rule, b, firstN(n.at, 30))
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
	t.Logf("%d texts; no exact hit: %v", len(texts), sortedKeys(noExact))
}

func firstN(s string, n int) string { return strings.ReplaceAll(prefixRunes(s, n), "\n", "⏎") }

package filters

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"testing"

	"github.com/jacorpus/jacorpus/internal/testcorpus"
	"github.com/jacorpus/jacorpus/pipeline"
)

// TestPassed: every rule's closest passes are the PassedSamples passes
// with the least |score - bound| over all the documents (ties by key),
// whatever the number of processors and how the documents are split
// between them or between tasks whose reports merge.
func TestPassed(t *testing.T) {
	docs := testcorpus.Fixture(t)
	run := func(split []int, workers int, mode Mode) *Report {
		var reps []*Report
		lo := 0
		for _, hi := range append(split, len(docs)) {
			cfg := DefaultConfig()
			cfg.Mode = mode
			st, err := NewStage(cfg, map[string]string{"web": "swallow"})
			if err != nil {
				t.Fatal(err)
			}
			procs := make([]pipeline.Processor, workers)
			for i := range procs {
				procs[i], _ = st.NewProcessor()
			}
			for i, d := range docs[lo:hi] {
				c := *d
				c.Source, c.Key = "web", pipeline.Key(lo+i)
				if _, err := procs[i%workers].Process(&c); err != nil {
					t.Fatal(err)
				}
			}
			reps = append(reps, st.Report())
			lo = hi
		}
		for _, r := range reps[1:] {
			reps[0].Merge(r)
		}
		return reps[0]
	}
	one := run(nil, 1, Drop)
	var p *PresetReport
	for i := range one.Presets {
		if one.Presets[i].Name == "swallow" {
			p = &one.Presets[i]
		}
	}
	if p == nil || p.Docs != int64(len(docs)) {
		t.Fatalf("report %+v", one.Presets)
	}
	rules := 0
	for _, s := range p.Steps {
		if s.Rule == "" {
			continue
		}
		passed := s.Seen - s.Failed
		if int64(len(s.Passed)) != min(passed, PassedSamples) {
			t.Errorf("rule %s: %d passed, %d shown", s.Rule, passed, len(s.Passed))
		}
		if len(s.Passed) > 0 {
			rules++
		}
		for i, q := range s.Passed {
			if i > 0 && q.before(&s.Passed[i-1]) {
				t.Errorf("rule %s: passes out of order: %+v", s.Rule, s.Passed)
			}
			if q.Text == "" || q.Chars == 0 || math.IsNaN(q.Margin) {
				t.Errorf("rule %s: pass %+v", s.Rule, q)
			}
		}
	}
	if rules < 5 {
		t.Errorf("only %d rules show passes", rules)
	}
	for _, c := range []struct {
		split   []int
		workers int
	}{{nil, 3}, {[]int{10, 40}, 1}, {[]int{1}, 2}} {
		if got := run(c.split, c.workers, Drop); asJSON(t, got) != asJSON(t, one) {
			t.Errorf("split %v, %d workers: report differs from one processor's", c.split, c.workers)
		}
	}
}

// TestPassedAnnotate: in annotate mode every rule scores every document
// (the scores are in Meta), so each rule's closest passes can be found by
// brute force: they must be the report's.
func TestPassedAnnotate(t *testing.T) {
	docs := testcorpus.Fixture(t)
	cfg := DefaultConfig()
	cfg.Mode = Annotate
	st, err := NewStage(cfg, map[string]string{"web": "swallow"})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := st.NewProcessor()
	var out []*pipeline.Document
	for i, d := range docs {
		c := *d
		c.Source, c.Key, c.Meta = "web", pipeline.Key(i), nil
		if _, err := p.Process(&c); err != nil {
			t.Fatal(err)
		}
		out = append(out, &c)
	}
	checked := 0
	for _, pr := range st.Report().Presets {
		if pr.Name != "swallow" {
			continue
		}
		for _, s := range pr.Steps {
			if s.Rule == "" {
				continue
			}
			b, err := ParseBound(s.Keep)
			if err != nil {
				t.Fatal(err)
			}
			var want []Passed
			for _, d := range out {
				v, ok := d.Meta[MetaScorePrefix+s.Rule]
				if !ok {
					t.Fatalf("rule %s: no score in %v", s.Rule, d.Meta)
				}
				score, _ := strconv.ParseFloat(v, 64)
				if b.Keep(score) {
					want = append(want, Passed{Margin: math.Abs(score - b.Value), Key: uint64(d.Key)})
				}
			}
			slices.SortFunc(want, func(a, b Passed) int {
				if a.before(&b) {
					return -1
				}
				return 1
			})
			want = want[:min(len(want), PassedSamples)]
			if len(want) != len(s.Passed) {
				t.Errorf("rule %s: %d passes shown, want %d", s.Rule, len(s.Passed), len(want))
				continue
			}
			for i := range want {
				if want[i].Key != s.Passed[i].Key {
					t.Errorf("rule %s: pass %d is document %d, want %d", s.Rule, i, s.Passed[i].Key, want[i].Key)
				}
			}
			checked++
		}
	}
	if checked < 5 {
		t.Errorf("%d rules checked", checked)
	}
}

func asJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

package filters_test

import (
	"fmt"

	"github.com/jacorpus/jacorpus/filters"
	"github.com/jacorpus/jacorpus/pipeline"
)

// Example runs the default preset with a stricter length bound and reports
// why each document was dropped.
func Example() {
	c := filters.DefaultConfig()
	c.Presets = map[string]filters.PresetConfig{
		filters.PresetDefault: {Set: map[string]filters.Bound{"too_short": {Cmp: filters.GreaterEq, Value: 20}}},
	}
	st, err := filters.NewStage(c, nil)
	if err != nil {
		panic(err)
	}
	p, _ := st.NewProcessor()
	for _, text := range []string{
		"短すぎる。",
		"This sentence is English with one word 日本.",
		"国会は、国権の最高機関であつて、国の唯一の立法機関である。",
	} {
		reason, _ := p.Process(&pipeline.Document{Text: text})
		fmt.Printf("%q\n", reason)
	}
	// Output:
	// "too_short"
	// "low_japanese_ratio"
	// ""
}

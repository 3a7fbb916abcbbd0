package filters_test

import (
	"fmt"

	"github.com/jacorpus/jacorpus/filters"
	"github.com/jacorpus/jacorpus/pipeline"
)

func Example() {
	rules, _ := filters.Preset(filters.PresetDefault, filters.Options{MinChars: 10, MinJapaneseRatio: 0.5})
	p, _ := (&filters.Stage{Default: rules}).NewProcessor()
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

package morph

import (
	"sort"
	"strings"
	"testing"

	"github.com/ikawaha/kagome-dict/dict"
	"github.com/ikawaha/kagome/v2/tokenizer"
)

// tinyKagome is a small hand-made kagome dictionary: a few words with
// several entries per surface, a 3×3 connection table with ties, and
// char classes with every invoke/group combination.
func tinyKagome() *dict.Dict {
	type entry struct {
		s       string
		l, r, w int16
		pos     string
	}
	es := []entry{
		{"あ", 1, 1, 100, "名詞"}, {"あい", 2, 2, 50, "動詞"}, {"い", 1, 2, 80, "助詞"},
		{"う", 2, 1, 10, "名詞"}, {"うえ", 1, 1, 30, "名詞"}, {"うえ", 2, 2, 30, "動詞"},
		{"うえ", 1, 1, 30, "副詞"}, {"ab", 1, 2, 5, "名詞"}, {"漢字", 2, 1, 40, "名詞"},
	}
	sort.SliceStable(es, func(i, j int) bool { return es[i].s < es[j].s })
	d := &dict.Dict{}
	pm := dict.POSMap{}
	var keys []string
	for _, e := range es {
		keys = append(keys, e.s)
		d.Morphs = append(d.Morphs, dict.Morph{LeftID: e.l, RightID: e.r, Weight: e.w})
		d.POSTable.POSs = append(d.POSTable.POSs, pm.Add([]string{e.pos}))
	}
	d.POSTable.NameList = pm.List()
	idx, err := dict.BuildIndexTable(keys)
	if err != nil {
		panic(err)
	}
	d.Index = idx
	d.Connection = dict.ConnectionTable{Row: 3, Col: 3, Vec: []int16{0, 10, 10, 10, 0, 20, 10, -5, 0}}
	// classes: DEFAULT (group), SPACE (group), HIRAGANA (group), ALPHA
	// (invoke, group), KANJI (neither), SYMBOL (invoke)
	d.CharClass = dict.CharClass{"DEFAULT", "SPACE", "HIRAGANA", "ALPHA", "KANJI", "SYMBOL"}
	d.InvokeList = dict.InvokeList{false, false, false, true, false, true}
	d.GroupList = dict.GroupList{true, true, true, true, false, false}
	d.CharCategory = make(dict.CharCategory, 0xA000)
	for r := range d.CharCategory {
		switch {
		case r == ' ' || r == '\n' || r == '\u3000':
			d.CharCategory[r] = 1
		case r >= 0x3041 && r <= 0x309f:
			d.CharCategory[r] = 2
		case r >= 'a' && r <= 'z':
			d.CharCategory[r] = 3
		case r >= 0x4e00:
			d.CharCategory[r] = 4
		case r >= '!' && r <= '/':
			d.CharCategory[r] = 5
		}
	}
	d.UnkDict = dict.UnkDict{
		Morphs: []dict.Morph{
			{LeftID: 1, RightID: 1, Weight: 500}, {LeftID: 0, RightID: 0, Weight: 300},
			{LeftID: 2, RightID: 2, Weight: 200}, {LeftID: 1, RightID: 2, Weight: 200},
			{LeftID: 2, RightID: 1, Weight: 900}, {LeftID: 1, RightID: 1, Weight: 100},
		},
		Index:        map[int32]int32{0: 0, 1: 1, 2: 2, 3: 3, 4: 5},
		IndexDup:     map[int32]int32{2: 1},
		ContentsMeta: dict.ContentsMeta{dict.POSStartIndex: 0},
		Contents:     [][]string{{"記号"}, {"記号"}, {"名詞"}, {"名詞"}, {"名詞"}, {"名詞"}},
	}
	return d
}

func tinyDict() *Dict {
	d, err := FromKagome(tinyKagome())
	if err != nil {
		panic(err)
	}
	return d
}

// TestTinyDict compares with kagome on the hand-made dictionary, whose
// ties and class rules differ from IPA's (SYMBOL has no unknown-word
// entry: kagome then uses entry 0).
func TestTinyDict(t *testing.T) {
	kd := tinyKagome()
	kt, err := tokenizer.New(kd, tokenizer.OmitBosEos())
	if err != nil {
		t.Fatal(err)
	}
	a := NewAnalyzer(tinyDict())
	for _, text := range []string{
		"", "あいうえ", "うえうえあい", "abab ab", "漢字漢字漢", "漢", "!!?/", "あ\xffい", "\uFFFD\uFFFDあ",
		strings.Repeat("ab", 600), strings.Repeat("あ", 1030), "x y\u3000z", "😀あ😀",
	} {
		got, want := morphSpans(a, text), kagomeSpans(kt, text)
		if !equalSpans(got, want) {
			t.Errorf("%q:\n got    %v %s\n kagome %v %s", text, got, show(text, got), want, show(text, want))
		}
	}
}

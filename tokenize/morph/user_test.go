package morph

import (
	"strings"
	"testing"

	"github.com/ikawaha/kagome-dict/dict"
	"github.com/ikawaha/kagome/v2/tokenizer"
)

// TestWithUser compares with kagome's tokenizer.UserDict option.
func TestWithUser(t *testing.T) {
	rec, err := dict.NewUserDicRecords(strings.NewReader(strings.Join([]string{
		"日本経済新聞,日本 経済 新聞,ニホン ケイザイ シンブン,カスタム名詞",
		"朝青龍,朝青龍,アサショウリュウ,名詞",
		"関西国際空港,関西 国際 空港,カンサイ コクサイ クウコウ,テスト名詞",
		"関西,関西,カンサイ,地名",
		"ｱｲｳ,ｱｲｳ,アイウ,感動詞",
	}, "\n")))
	if err != nil {
		t.Fatal(err)
	}
	u, err := rec.NewUserDict()
	if err != nil {
		t.Fatal(err)
	}
	kt, err := tokenizer.New(kagomeIPA(), tokenizer.OmitBosEos(), tokenizer.UserDict(u))
	if err != nil {
		t.Fatal(err)
	}
	d, err := testDict(t).WithUser(u)
	if err != nil {
		t.Fatal(err)
	}
	a := NewAnalyzer(d)
	for _, text := range []string{
		"日本経済新聞を読んだ朝青龍は関西国際空港から関西へ行った。",
		"関西人の日本経済新聞社ｱｲｳｴｵ",
		"朝青龍朝青龍関西関西国際空港",
		"",
	} {
		got := morphSpans(a, text)
		var want []span
		for _, k := range kt.Analyze(text, tokenizer.Normal) {
			p := Unknown
			switch k.Class {
			case tokenizer.USER:
				p = posOf(k.POS()[0])
				if p == Unclassified {
					p = User
				}
			case tokenizer.KNOWN:
				p = posOf(k.POS()[0])
			}
			want = append(want, span{k.Position, k.Position + len(k.Surface), p})
		}
		if !equalSpans(got, want) {
			t.Errorf("%q:\n got    %v %s\n kagome %v %s", text, got, show(text, got), want, show(text, want))
		}
	}
	// the base dictionary is unchanged
	if testDict(t).user != nil {
		t.Error("WithUser changed the base dictionary")
	}
}

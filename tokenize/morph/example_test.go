package morph_test

import (
	"fmt"

	"github.com/jacorpus/jacorpus/tokenize/morph"
)

func Example() {
	d, err := morph.IPA()
	if err != nil {
		panic(err)
	}
	a := morph.NewAnalyzer(d) // one per goroutine
	text := "吾輩は猫である。\n名前はまだ無い。"
	fmt.Println(a.Count(text))
	fmt.Println(string(a.AppendWakati(nil, text)))
	a.Tokens("猫が鳴いた", func(start, end int, pos morph.POS) {
		fmt.Printf("%s/%v ", "猫が鳴いた"[start:end], pos)
	})
	fmt.Println()
	// Output:
	// 11
	// 吾輩 は 猫 で ある 。 名前 は まだ 無い 。
	// 猫/名詞 が/助詞 鳴い/動詞 た/助動詞
}

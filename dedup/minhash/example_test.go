package minhash_test

import (
	"fmt"

	"github.com/jacorpus/jacorpus/dedup/minhash"
)

// Sign two versions of a text, estimate their similarity, and find them
// as an LSH candidate pair through a shared band key.
func Example() {
	const seed = 42
	h, err := minhash.New(minhash.Options{Seed: seed}) // 5-grams, K = 128
	if err != nil {
		panic(err)
	}
	a := "吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。何でも薄暗いじめじめした所でニャーニャー泣いていた事だけは記憶している。"
	b := "吾輩は猫である。名前はまだ無い。どこで生まれたかとんと見当がつかぬ。何でも薄暗いじめじめした所でﾆｬｰﾆｬｰ泣いていた事だけは記憶している。"
	c := "親譲りの無鉄砲で小供の時から損ばかりしている。小学校に居る時分学校の二階から飛び降りて一週間ほど腰を抜かした事がある。"
	sa, sb, sc := h.Sign(a, nil), h.Sign(b, nil), h.Sign(c, nil)

	fmt.Printf("a~b: estimated %.2f, exact %.2f\n", minhash.Similarity(sa, sb), minhash.Jaccard(a, b, 5))
	fmt.Printf("a~c: estimated %.2f, exact %.2f\n", minhash.Similarity(sa, sc), minhash.Jaccard(a, c, 5))

	bands, rows := minhash.OptimalParams(0.8, 128, 0.5, 0.5)
	ka := minhash.Bands(sa, bands, rows, seed, nil)
	kb := minhash.Bands(sb, bands, rows, seed, nil)
	kc := minhash.Bands(sc, bands, rows, seed, nil)
	shared := func(x, y []uint64) (n int) {
		for i := range x {
			if x[i] == y[i] {
				n++
			}
		}
		return n
	}
	fmt.Printf("%d bands of %d rows: a and b share %d band keys, a and c %d\n", bands, rows, shared(ka, kb), shared(ka, kc))
	// Output:
	// a~b: estimated 0.88, exact 0.87
	// a~c: estimated 0.02, exact 0.01
	// 9 bands of 13 rows: a and b share 1 band keys, a and c 0
}

package tokenize_test

import (
	"fmt"

	"github.com/jacorpus/jacorpus/tokenize"
)

func Example() {
	t, err := tokenize.New(tokenize.DictIPA)
	if err != nil {
		panic(err)
	}
	fmt.Println(t.Count("吾輩は猫である。"), t.Wakati("吾輩は猫である。"))
	// Output: 6 [吾輩 は 猫 で ある 。]
}

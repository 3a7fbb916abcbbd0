package dedup_test

import (
	"fmt"

	"github.com/jacorpus/jacorpus/dedup"
)

func Example() {
	e := dedup.NewExact()
	for _, s := range []string{"吾輩は猫である。", "名前はまだ無い。", "吾輩は猫である。"} {
		fmt.Println(s, e.Seen(s))
	}
	// Output:
	// 吾輩は猫である。 false
	// 名前はまだ無い。 false
	// 吾輩は猫である。 true
}

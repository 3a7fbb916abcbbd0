package normalize_test

import (
	"fmt"

	"github.com/jacorpus/jacorpus/normalize"
)

func Example() {
	fmt.Println(normalize.String("　ｶﾞｲﾄﾞ　ＡＢＣ　第一条\r\n\r\n\r\n　か゛んばる  "))
	// Output:
	// ガイド　ABC　第一条
	//
	// がんばる
}

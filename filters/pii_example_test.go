package filters_test

import (
	"fmt"

	"github.com/jacorpus/jacorpus/filters"
)

func ExampleMaskPII() {
	out, n := filters.MaskPII("〒100-0001 千代田区 電話03-1234-5678（代表）info@example.jp", filters.DefaultPIIOptions())
	fmt.Println(out)
	fmt.Printf("%+v\n", n)
	// Output:
	// 〒<POSTAL> 千代田区 電話<PHONE>（代表）<EMAIL>
	// {Email:1 Phone:1 Postal:1 Card:0}
}

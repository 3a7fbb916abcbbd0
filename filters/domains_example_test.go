package filters_test

import (
	"fmt"
	"strings"

	"github.com/jacorpus/jacorpus/filters"
)

func ExampleDomainList_Match() {
	l, err := filters.ParseDomainList("adult/domains", strings.NewReader("# UT1\nexample.com\n例え.テスト\n"))
	if err != nil {
		panic(err)
	}
	for _, u := range []string{"https://www.example.com/a", "https://badexample.com/", "http://例え.テスト/"} {
		fmt.Println(l.Match(u))
	}
	// Output:
	// example.com true
	//  false
	// xn--r8jz45g.xn--zckzah true
}

package filters_test

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jacorpus/jacorpus/filters"
)

func ExampleMatcher_Count() {
	violence, _ := filters.ParseWordList("violence.txt", strings.NewReader("テロ\n殺す\n"))
	ads, _ := filters.ParseWordList("ads.txt", strings.NewReader("# 広告\n対策\nテロ対策\n"))
	m := filters.NewMatcher(violence, ads)
	text := "労働者農民を絞め殺す白テロに抗して、テロ対策を"
	c := m.Count(text)
	for i, name := range m.Categories() {
		fmt.Printf("%s: %d matches, %d characters\n", name, c.Categories[i].Matches, c.Categories[i].Chars)
	}
	fmt.Printf("all: %d of %d characters\n", c.Chars, utf8.RuneCountInString(text))
	// Output:
	// violence: 3 matches, 6 characters
	// ads: 2 matches, 4 characters
	// all: 8 of 23 characters
}

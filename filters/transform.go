package filters

import (
	"sort"

	"github.com/jacorpus/jacorpus/internal/nfkc"
)

// A transform rewrites a document's text between the rules of a preset: the
// rules after it see (and the dataset keeps) the new text. It returns the
// text itself when nothing changed, and how many items it changed.
type transform struct {
	name  string
	doc   string
	apply func(p *processor, text string) (string, int)
}

// transformTable holds the transforms by name; built once, never changed.
var transformTable = func() map[string]*transform {
	t := map[string]*transform{}
	for _, tr := range []*transform{
		{name: "nfkc", doc: "Unicode NFKC (as Python's unicodedata.normalize(\"NFKC\"), which HojiChar's DocumentNormalizer applies)",
			apply: func(_ *processor, text string) (string, int) {
				out := nfkc.String(text)
				if out == text {
					return text, 0
				}
				return out, 1
			}},
		{name: "hojichar.mask", doc: "HojiChar's MaskPersonalInformation: phone numbers keep all but their last four digits (…XXXX), e-mail addresses become xxxx@yyy and their last domain label (document_filters.py:684-729)",
			apply: func(_ *processor, text string) (string, int) { return hojicharMask(text) }},
		{name: "mask_pii", doc: "replace e-mail addresses, Japanese phone numbers, 〒 postal codes and card numbers by the placeholders of filters.pii (MaskPII)",
			apply: func(p *processor, text string) (string, int) {
				out, c := MaskPII(text, p.st.pii)
				return out, c.Total()
			}},
		{name: "llmjp.extract_japanese", doc: "llm-jp-corpus v1 extract_japanese_text: keep the lines with kana, remove URLs and runs of 100+ ASCII characters, join the lines with no separator (llmjpExtract)",
			apply: func(_ *processor, text string) (string, int) { return llmjpExtract(text) }},
	} {
		t[tr.name] = tr
	}
	return t
}()

// Transforms returns the names of the transforms, sorted.
func Transforms() []string {
	names := make([]string, 0, len(transformTable))
	for n := range transformTable {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

package filters

import (
	"fmt"
	"strconv"
	"strings"
)

// Rethreshold decides an annotated document again, from the scores its meta
// holds (MetaPreset, MetaScorePrefix+rule), with the bounds of c's version of
// the document's preset: it returns the first rule whose score fails ("" when
// the document is kept). A score the preset needs but the meta lacks is an
// error (the annotate run had other rules): the document cannot be decided.
//
// With the same config as the annotate run, the documents kept are exactly
// those a dropping run keeps (the scores are the same float64 values), as
// long as nothing between the filters and the output depended on the
// drops: run dedup before the filters (dedup.order: before_filters) or not
// at all, since dedup after the filters would also see the documents a
// dropping run removes.
func Rethreshold(meta map[string]string, c Config) (string, error) {
	p, err := c.Preset(meta[MetaPreset])
	if err != nil {
		return "", err
	}
	for _, s := range p.Steps {
		if s.Rule == "" {
			continue
		}
		v, ok := meta[MetaScorePrefix+s.Rule]
		if !ok {
			return "", fmt.Errorf("preset %s: no score %q in the document's meta (annotate with the rule enabled)", p.Name, MetaScorePrefix+s.Rule)
		}
		score, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return "", fmt.Errorf("preset %s: score %s=%q: %w", p.Name, MetaScorePrefix+s.Rule, v, err)
		}
		if !s.Keep.Keep(score) {
			return s.Rule, nil
		}
	}
	return "", nil
}

// SQL returns a DuckDB boolean expression over the meta column (JSON text)
// of an annotated dataset that is true for the documents c's presets keep:
//
//	SELECT * FROM read_parquet('out/*.parquet') WHERE <SQL>
//
// A document of a preset not in names is kept. It reads each score with
// json_extract_string and compares it as a DOUBLE, the same number the
// annotate run wrote.
func SQL(c Config, names ...string) (string, error) {
	var b strings.Builder
	b.WriteString("CASE json_extract_string(meta, '$.\"" + MetaPreset + "\"')\n")
	for _, name := range names {
		p, err := c.Preset(name)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "  WHEN '%s' THEN ", p.Name)
		var conds []string
		for _, s := range p.Steps {
			if s.Rule == "" {
				continue
			}
			conds = append(conds, fmt.Sprintf("CAST(json_extract_string(meta, '$.\"%s%s\"') AS DOUBLE) %s %s",
				MetaScorePrefix, s.Rule, s.Keep.Cmp, strconv.FormatFloat(s.Keep.Value, 'g', -1, 64)))
		}
		if len(conds) == 0 {
			b.WriteString("TRUE\n")
			continue
		}
		b.WriteString("(\n    " + strings.Join(conds, "\n    AND ") + ")\n")
	}
	b.WriteString("  ELSE TRUE\nEND")
	return b.String(), nil
}

package filters

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Cmp is the comparison a rule's score must pass for the document to be kept.
type Cmp uint8

// The comparisons. A rule keeps a document when score Cmp threshold holds.
const (
	Less Cmp = iota + 1
	LessEq
	Greater
	GreaterEq
)

var cmpNames = [...]string{Less: "<", LessEq: "<=", Greater: ">", GreaterEq: ">="}

// String returns the operator ("<", "<=", ">", ">=").
func (c Cmp) String() string {
	if c >= Less && c <= GreaterEq {
		return cmpNames[c]
	}
	return fmt.Sprintf("Cmp(%d)", uint8(c))
}

// Bound is a rule's threshold: a document is kept when its score Cmp Value.
// It is written "OP NUMBER" in configs and presets (">= 400", "< 0.05").
type Bound struct {
	Cmp   Cmp
	Value float64
}

// Keep reports whether score passes the bound.
func (b Bound) Keep(score float64) bool {
	switch b.Cmp {
	case Less:
		return score < b.Value
	case LessEq:
		return score <= b.Value
	case Greater:
		return score > b.Value
	case GreaterEq:
		return score >= b.Value
	}
	return false
}

// String returns the bound as written in a config (">= 400").
func (b Bound) String() string {
	return b.Cmp.String() + " " + strconv.FormatFloat(b.Value, 'g', -1, 64)
}

// ParseBound parses "OP NUMBER" (OP one of < <= > >=; the space is
// optional). The number must be finite.
func ParseBound(s string) (Bound, error) {
	t := strings.TrimSpace(s)
	var b Bound
	switch {
	case strings.HasPrefix(t, "<="):
		b.Cmp, t = LessEq, t[2:]
	case strings.HasPrefix(t, ">="):
		b.Cmp, t = GreaterEq, t[2:]
	case strings.HasPrefix(t, "<"):
		b.Cmp, t = Less, t[1:]
	case strings.HasPrefix(t, ">"):
		b.Cmp, t = Greater, t[1:]
	default:
		return b, fmt.Errorf("bound %q: want an operator (<, <=, >, >=) and a number, such as \">= 0.2\"", s)
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return b, fmt.Errorf("bound %q: %q is not a finite number", s, strings.TrimSpace(t))
	}
	b.Value = v
	return b, nil
}

// check reports a bound that ParseBound would not give (one built in Go).
func (b Bound) check() error {
	if b.Cmp < Less || b.Cmp > GreaterEq {
		return fmt.Errorf("bound %v: no comparison", b)
	}
	if math.IsNaN(b.Value) || math.IsInf(b.Value, 0) {
		return fmt.Errorf("%v: not a finite number", b)
	}
	return nil
}

// UnmarshalYAML reads "OP NUMBER".
func (b *Bound) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("a bound is a string such as \">= 0.2\"")
	}
	v, err := ParseBound(n.Value)
	if err != nil {
		return err
	}
	*b = v
	return nil
}

// MarshalText writes "OP NUMBER" (JSON and YAML).
func (b Bound) MarshalText() ([]byte, error) { return []byte(b.String()), nil }

// UnmarshalText reads "OP NUMBER".
func (b *Bound) UnmarshalText(p []byte) error {
	v, err := ParseBound(string(p))
	if err != nil {
		return err
	}
	*b = v
	return nil
}

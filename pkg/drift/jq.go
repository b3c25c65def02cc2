package drift

// Rules by jq path expression, as Argo CD's jqPathExpressions: the
// expressions' paths are deleted from each side before the comparison.

import (
	"context"
	"fmt"
	"time"

	"github.com/itchyny/gojq"

	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// JQRule leaves out of the comparison of the objects it selects what its
// jq path expressions select: each side is compared as `del(EXPR)` leaves
// it, each expression evaluated on that side (so `.spec.list[] |
// select(.name == "x")` drops that item wherever it is on either side).
type JQRule struct {
	// Kind, Name and Namespace select objects as a Rule's do.
	Kind, Name, Namespace string
	Expressions           []string

	// codes are the expressions compiled (JQRulesFromConfig), so that the
	// comparisons and views of a fabric do not compile them again.
	codes []*gojq.Code
}

// jqTimeout bounds one expression on one object, as Argo CD bounds it.
const jqTimeout = time.Second

// CompileJQ compiles a jq path expression as a deletion, del(EXPR).
func CompileJQ(expr string) (*gojq.Code, error) {
	q, err := gojq.Parse("del(" + expr + ")")
	if err != nil {
		return nil, fmt.Errorf("jq path expression %q: %w", expr, err)
	}
	code, err := gojq.Compile(q)
	if err != nil {
		return nil, fmt.Errorf("jq path expression %q: %w", expr, err)
	}
	return code, nil
}

// JQRulesFromConfig returns the rules by jq path expression of a fabric's
// configuration (the ignore rules with jqPathExpressions), every
// expression compiled once here: an expression that does not parse is an
// error.
func JQRulesFromConfig(cfg []fabric.IgnoreRule) ([]JQRule, error) {
	var out []JQRule
	for i, c := range cfg {
		if len(c.JQPathExpressions) == 0 {
			continue
		}
		sel := selector(c.Kind, c.Name, c.Namespace)
		r := JQRule{Kind: sel.kind, Name: c.Name, Namespace: c.Namespace, Expressions: c.JQPathExpressions}
		for _, e := range c.JQPathExpressions {
			code, err := CompileJQ(e)
			if err != nil {
				return nil, fmt.Errorf("ignore rule %d: %w", i+1, err)
			}
			r.codes = append(r.codes, code)
		}
		out = append(out, r)
	}
	return out, nil
}

// compiledJQ is a JQRule ready for matching.
type compiledJQ struct {
	sel   compiledRule
	codes []*gojq.Code
}

func compileJQ(rules []JQRule) []compiledJQ {
	out := make([]compiledJQ, 0, len(rules))
	for _, r := range rules {
		c := compiledJQ{sel: selector(r.Kind, r.Name, r.Namespace), codes: r.codes}
		if c.codes == nil { // a rule not made by JQRulesFromConfig
			for _, e := range r.Expressions {
				if code, err := CompileJQ(e); err == nil {
					c.codes = append(c.codes, code)
				}
			}
		}
		out = append(out, c)
	}
	return out
}

// stripJQ returns an object's content with what the jq rules selecting k
// select deleted, or the content itself when no rule selects k. An
// expression that fails on the object leaves it as it was (as Argo CD
// does).
func (c *comparer) stripJQ(k resource.Key, o *resource.Object) map[string]interface{} {
	m := content(o)
	if len(c.jq) == 0 || o == nil {
		return m
	}
	var v any
	for _, r := range c.jq {
		if !r.sel.appliesTo(k.Kind, k.Namespace, k.Name) {
			continue
		}
		if v == nil {
			v = jqValue(m)
		}
		for _, code := range r.codes {
			v = runJQ(code, v)
		}
	}
	if v == nil {
		return m
	}
	out, ok := fromJQ(v).(map[string]interface{})
	if !ok {
		return m
	}
	return out
}

// fromJQ turns gojq's ints back into the int64 of unstructured content.
func fromJQ(v any) any {
	return copyWith(v, func(x any) any {
		if i, ok := x.(int); ok {
			return int64(i)
		}
		return x
	})
}

// runJQ runs a deletion on v, returning v itself when it fails.
func runJQ(code *gojq.Code, v any) any {
	ctx, cancel := context.WithTimeout(context.Background(), jqTimeout)
	defer cancel()
	got, ok := code.RunWithContext(ctx, v).Next()
	if !ok {
		return v
	}
	if _, isErr := got.(error); isErr {
		return v
	}
	return got
}

// jqValue copies an object's content into the values gojq takes: int64
// and the other integer types become int. The content is not modified.
func jqValue(v any) any {
	return copyWith(v, func(x any) any {
		switch t := x.(type) {
		case int64:
			return int(t)
		case int32:
			return int(t)
		case float32:
			return float64(t)
		}
		return x
	})
}

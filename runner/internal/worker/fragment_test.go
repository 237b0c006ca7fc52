package worker

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestSplitFragment: a fragment is cut into runs of imports, declarations
// and statements at the chapter's lines; compound statements are marked
// for WrapCompound, and the init statement of a header does not end it.
func TestSplitFragment(t *testing.T) {
	code := "import \"fmt\"\nimport s \"strings\"\n\ntype T int\nfunc (T) M() {}\n\nx := 1\nfor i := 0; i < 2; i++ {\n\tx += i\n}\nfmt.Println(x, s.ToUpper(\"a\"))\nfunc() { x++ }()\nvar y = 2\n"
	chunks := SplitFragment(code, 10)
	var kinds []string
	for _, c := range chunks {
		kinds = append(kinds, c.Kind)
	}
	assert.Equal(t, []string{"import", "import", "decl", "stmt", "decl"}, kinds)
	assert.Equal(t, []ImportSpec{{"", "fmt"}}, chunks[0].Imports)
	assert.Equal(t, []ImportSpec{{"s", "strings"}}, chunks[1].Imports)
	assert.Equal(t, 11, chunks[1].Line)
	assert.Equal(t, "type T int\nfunc (T) M() {}", chunks[2].Code)
	stmt := chunks[3]
	assert.Equal(t, 16, stmt.Line)
	assert.Equal(t, 1, stmt.Col)
	assert.Equal(t, "x := 1\nfor i := 0; i < 2; i++ {\n\tx += i\n}\nfmt.Println(x, s.ToUpper(\"a\"))\nfunc() { x++ }()", stmt.Code)
	var compound []string
	for _, r := range stmt.Compound {
		compound = append(compound, stmt.Code[r[0]:r[1]])
	}
	assert.Equal(t, []string{"for i := 0; i < 2; i++ {\n\tx += i\n}", "func() { x++ }()"}, compound)
	assert.Equal(t, "x := 1\n{ func() { /*line _.go:17:1*/for i := 0; i < 2; i++ {\n\tx += i\n} }() }\nfmt.Println(x, s.ToUpper(\"a\"))\n{ func() { /*line _.go:21:1*/func() { x++ }() }() }",
		WrapCompound(stmt, "_.go"))
	assert.Equal(t, 22, chunks[4].Line)
}

package chapter

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestUpdateMarking: -update marks a cell engine="go" in its info string,
// wherever the cell stands, together with its new output, and changes
// nothing else.
func TestUpdateMarking(t *testing.T) {
	src := "# Mark\n\n" +
		"```{.go name=\"a\"}\nfmt.Println(1)\n```\n\n```output\nold\n```\n\n" +
		"- item\n\n    ```{.go name=\"b\"}\n    fmt.Println(2)\n    ```\n\n" +
		"> ```{.go name=\"c\"}\r\n> fmt.Println(3)\r\n> ```\r\n\n" +
		"!!! note\n    ```{.go name=\"d\" engine=\"go\"}\n    fmt.Println(4)\n    ```\n\n" +
		"```{.go name=\"e\"}\nfmt.Println(5)\n```\n"
	ch, err := Parse("m.md", []byte(src))
	require.NoError(t, err)
	results := map[string]*Result{
		"a": {Stdout: "new\n"}, "b": {Stdout: "2\n"}, "c": {}, "d": {Stdout: "4\n"}, "e": {Stdout: "5\n"},
	}
	for name, r := range results {
		Verify(ch.Path, ch.Cell(name), r)
	}
	out, changed, err := UpdateMarking(ch, results, []string{"a", "b", "c", "d"})
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b", "c", "d", "e"}, changed, "c changes by its mark alone, d (engine=\"go\" already) by its output alone")
	want := "# Mark\n\n" +
		"```{.go name=\"a\" engine=\"go\"}\nfmt.Println(1)\n```\n\n```output\nnew\n```\n\n" +
		"- item\n\n    ```{.go name=\"b\" engine=\"go\"}\n    fmt.Println(2)\n    ```\n\n    ```output\n    2\n    ```\n\n" +
		"> ```{.go name=\"c\" engine=\"go\"}\r\n> fmt.Println(3)\r\n> ```\r\n\n" +
		"!!! note\n    ```{.go name=\"d\" engine=\"go\"}\n    fmt.Println(4)\n    ```\n\n    ```output\n    4\n    ```\n\n" +
		"```{.go name=\"e\"}\nfmt.Println(5)\n```\n\n```output\n5\n```\n"
	assert.Equal(t, want, string(out))
	again, err := Parse("m.md", out)
	require.NoError(t, err)
	for _, name := range []string{"a", "b", "c", "d"} {
		assert.Equal(t, "go", again.Cell(name).Engine, name)
	}
	assert.Empty(t, again.Cell("e").Engine)

	// Marking alone is a change.
	ch, err = Parse("m.md", []byte("```{.go name=\"x\"}\nfmt.Println(1)\n```\n"))
	require.NoError(t, err)
	out, changed, err = UpdateMarking(ch, nil, []string{"x"})
	require.NoError(t, err)
	assert.Equal(t, []string{"x"}, changed)
	assert.Equal(t, "```{.go name=\"x\" engine=\"go\"}\nfmt.Println(1)\n```\n", string(out))
}

// TestMarkEdit: engine="go" goes before the closing brace of an attribute
// list, and turns a bare info string into one.
func TestMarkEdit(t *testing.T) {
	for _, tc := range []struct{ line, want string }{
		{"```{.go title=\"x.go\" name=\"y\"}\n", "```{.go title=\"x.go\" name=\"y\" engine=\"go\"}\n"},
		{"```go\n", "```{.go engine=\"go\"}\n"},
		{"```go title=\"x.go\"  \n", "```{.go title=\"x.go\" engine=\"go\"}  \n"},
		{"- ```go\n", "- ```{.go engine=\"go\"}\n"},
		{"  ```{.go name=\"y\"}\r\n", "  ```{.go name=\"y\" engine=\"go\"}\r\n"},
		{"```{.go title=\"x.go\" name=\"y\"}\n", "```{.go title=\"x.go\" name=\"y\" engine=\"go\"}\n"},
		{"> ```{.go name=\"y\" }  \n", "> ```{.go name=\"y\" engine=\"go\" }  \n"},
		{"~~~~ {.go}\n", "~~~~ {.go engine=\"go\"}\n"},
	} {
		fence := strings.TrimLeft(tc.line, " >-")
		info := strings.TrimSpace(strings.TrimLeft(fence, "`~"))
		c := &Cell{Info: info, Block: Span{0, len(tc.line)}, Indent: tc.line[:len(tc.line)-len(fence)]}
		e := markEdit([]byte(tc.line), c)
		assert.Equal(t, tc.want, tc.line[:e.span.Start]+e.text+tc.line[e.span.End:], "%q", tc.line)
	}
}

package runner

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// filesChapter has a file cell with code the rewrite must change for the
// interpreter (range over an int, a closure per iteration handed to
// wg.Go), two programs built with it, and one whose own file and a file
// cell clash on an import name.
const filesChapter = "# Files\n\n" +
	"```{.go title=\"pool.go\" name=\"pool\" with=\"work\"}\n" +
	"package main\n\n" +
	"import \"fmt\"\n\n" +
	"func main() { fmt.Println(run(3, square)) }\n\n" +
	"func square(i int) int { return i * i }\n" +
	"```\n\n" +
	"```output\n[0 1 4]\n```\n\n" +
	"```{.go title=\"work.go\" name=\"work\" .file}\n" +
	"package main\n\n" +
	"import \"sync\"\n\n" +
	"// run calls f for 0..n-1 at once and collects the results in order.\n" +
	"func run(n int, f func(int) int) []int {\n" +
	"\tout := make([]int, n)\n" +
	"\tvar wg sync.WaitGroup\n" +
	"\tfor i := range n {\n" +
	"\t\twg.Go(func() { out[i] = f(i) })\n" +
	"\t}\n" +
	"\twg.Wait()\n" +
	"\treturn out\n" +
	"}\n" +
	"```\n\n" +
	"```{.go title=\"twice.go\" name=\"twice\" with=\"work\"}\n" +
	"package main\n\n" +
	"import \"fmt\"\n\n" +
	"func main() { fmt.Println(run(2, func(i int) int { return 2 * i })) }\n" +
	"```\n\n" +
	"```output\n[0 2]\n```\n\n" +
	"```{.go title=\"clash.go\" name=\"clash\" with=\"rnd\"}\n" +
	"package main\n\n" +
	"import (\n\t\"fmt\"\n\t\"math/rand\"\n)\n\n" +
	"func main() { fmt.Println(rand.New(rand.NewSource(1)) != nil, key()) }\n" +
	"```\n\n" +
	"```output\ntrue 16\n```\n\n" +
	"```{.go title=\"rnd.go\" name=\"rnd\" .file}\n" +
	"package main\n\n" +
	"import \"crypto/rand\"\n\n" +
	"func key() int { return len(rand.Text()[:16]) }\n" +
	"```\n"

// TestFilesBothEngines: programs built with a file cell run under both
// engines with the same output; the file cell is skipped, not run; a
// program whose files cannot be one file for the interpreter runs under
// the toolchain.
func TestFilesBothEngines(t *testing.T) {
	path := writeChapter(t, "files.md", filesChapter)
	rep := runGo(t, path, Options{Engine: "both"})
	for _, name := range []string{"pool", "twice", "clash"} {
		r := rep.Result(name)
		assert.Equal(t, chapter.Pass, r.Status, "%s: %s %v", name, r.Error, r.Problems)
	}
	for _, name := range []string{"pool", "twice"} {
		r := rep.Result(name)
		assert.Equal(t, "yaegi", r.Engine, name)
		require.NotNil(t, r.Other, "%s ran under the toolchain too", name)
		assert.Equal(t, r.Stdout, r.Other.Stdout, name)
	}
	assert.Equal(t, "go", rep.Result("clash").Engine)
	assert.Contains(t, rep.Result("clash").Routed, "import")
	w := rep.Result("work")
	assert.Equal(t, chapter.Skip, w.Status)
	assert.Equal(t, "file", w.Kind)
	assert.Equal(t, "file cell: built into pool, twice", w.Error)
}

// TestFilesCompileErrorAtFileLine: a compile error in a file cell is
// reported at the file cell's line in the chapter under each engine, and
// a wrong with= fails its program while the others run.
func TestFilesCompileErrorAtFileLine(t *testing.T) {
	md := strings.Replace(filesChapter, "return out\n", "return outt\n", 1) +
		"\n```{.go name=\"typo\" with=\"wrok\"}\npackage main\n\nfunc main() {}\n```\n" +
		"\n```{.go name=\"alone\"}\npackage main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"alone\") }\n```\n\n```output\nalone\n```\n"
	line := lineOf(t, md, "return outt")
	for _, engine := range []string{"yaegi", "go"} {
		t.Run(engine, func(t *testing.T) {
			path := writeChapter(t, "files.md", md)
			rep := runGo(t, path, Options{Engine: engine})
			want := "chapters/files.md:" + strconv.Itoa(line) + ":9: undefined: outt"
			for _, name := range []string{"pool", "twice"} {
				r := rep.Result(name)
				assert.Equal(t, chapter.FailCompile, r.FailKind, name)
				assert.Contains(t, r.Error, want, name)
			}
			typo := rep.Result("typo")
			assert.Equal(t, chapter.Fail, typo.Status)
			assert.Contains(t, strings.Join(typo.Problems, "\n"), `with=: no cell named "wrok": did you mean work?`)
			assert.Equal(t, chapter.Pass, rep.Result("alone").Status, "the other cells run")
		})
	}
}

// TestFilesUpdate: -update writes the programs' output blocks and never
// touches a file cell.
func TestFilesUpdate(t *testing.T) {
	md := strings.Replace(filesChapter, "```output\n[0 1 4]\n```\n\n", "", 1)
	md = strings.Replace(md, "```output\n[0 2]\n```", "```output\n[9 9]\n```", 1)
	path := writeChapter(t, "files.md", md)
	rep := runGo(t, path, Options{Update: true})
	assert.False(t, rep.Failed(), "%v", rep.Results)
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, filesChapter, string(got), "the two output blocks written, the file cells untouched")
}

// TestFilesRefusalAtFileLine: the interpreter reads a program's files as
// one, and what it refuses in a file cell is reported at the file cell's
// line and column in the chapter.
func TestFilesRefusalAtFileLine(t *testing.T) {
	md := strings.Replace(filesChapter, "\twg.Wait()\n", "\twg.Wait()\n\tslices.Sort(out)\n", 1)
	md = strings.Replace(md, "import \"sync\"\n", "import (\n\t\"slices\"\n\t\"sync\"\n)\n", 1)
	path := writeChapter(t, "files.md", md)
	rep := runGo(t, path, Options{Engine: "yaegi"})
	want := "chapters/files.md:" + strconv.Itoa(lineOf(t, md, "slices.Sort(out)")) + ":2: slices.Sort is not supported by the interpreter"
	for _, name := range []string{"pool", "twice"} {
		r := rep.Result(name)
		assert.Equal(t, chapter.FailCompile, r.FailKind, name)
		assert.Contains(t, r.Error, want, name)
	}
}

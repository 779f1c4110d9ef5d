package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestCommittedBoardsAreGenerated: the JSON in dashboards/ is this
// package's output byte for byte, and every board there is generated (none
// edited by hand beside it).
func TestCommittedBoardsAreGenerated(t *testing.T) {
	var generated []string
	for _, b := range boards {
		generated = append(generated, b.file)
		want, err := render(b.build())
		if err != nil {
			t.Fatalf("%s: %v", b.file, err)
		}
		got, err := os.ReadFile(filepath.Join("..", b.file))
		if err != nil {
			t.Fatalf("%v: run make dashboards", err)
		}
		if !bytes.Equal(got, want) {
			line, g, w := firstDifference(got, want)
			t.Errorf("dashboards/%s is not what dashboards/gen generates (line %d: committed %q, generated %q): "+
				"change the Go code in dashboards/gen, not the JSON, and run make dashboards", b.file, line, g, w)
		}
	}
	committed, err := filepath.Glob(filepath.Join("..", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range committed {
		committed[i] = filepath.Base(f)
	}
	slices.Sort(committed)
	slices.Sort(generated)
	if !slices.Equal(committed, generated) {
		t.Errorf("dashboards/ holds %v, dashboards/gen generates %v: add the board to boards in render.go", committed, generated)
	}
}

// firstDifference returns the first line (1-based) where a and b differ,
// and the two lines.
func firstDifference(a, b []byte) (int, string, string) {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range max(len(la), len(lb)) {
		var x, y string
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y {
			return i + 1, x, y
		}
	}
	return 0, "", ""
}

func TestFirstDifference(t *testing.T) {
	if n, a, b := firstDifference([]byte("x\ny\nz"), []byte("x\nY\nz")); n != 2 || a != "y" || b != "Y" {
		t.Errorf("got line %d %q %q, want 2 y Y", n, a, b)
	}
	if n, _, b := firstDifference([]byte("x"), []byte("x\nmore")); n != 2 || b != "more" {
		t.Errorf("a longer file: got line %d %q", n, b)
	}
}

// TestWrite: the command writes every board, the same bytes render gives,
// and names the path when it cannot.
func TestWrite(t *testing.T) {
	dir := t.TempDir()
	if err := write(dir); err != nil {
		t.Fatal(err)
	}
	for _, b := range boards {
		got, err := os.ReadFile(filepath.Join(dir, b.file))
		if err != nil {
			t.Fatal(err)
		}
		want, err := render(b.build())
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: written bytes differ from render's", b.file)
		}
	}
	missing := filepath.Join(dir, "no", "such")
	if err := write(missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("writing into a missing directory: want an error naming %s, got %v", missing, err)
	}
}

package dashboards_test

import (
	"encoding/json"
	"os"
	"testing"
)

// The wall board is made for a 1920×1080 TV in kiosk mode: 24 grid
// columns, and about 27 rows of Grafana's 30 px (with their margins) fit
// the height.
const (
	screenColumns = 24
	screenRows    = 27
	// The queues a wall board is made to show, ACD and SmartQueue together.
	wallQueues = 12
)

type wallPanel struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Repeat    string `json:"repeat"`
	MaxPerRow int    `json:"maxPerRow"`
	GridPos   struct {
		X, Y, W, H int
	} `json:"gridPos"`
}

// TestWallboardFitsTheScreen lays the wall board out as Grafana does, with
// the repeated queue panels expanded for every split of 12 queues between
// the ACD and SmartQueue variables, and checks that nothing scrolls: no
// panel wider than the screen or below its last row. It also checks what
// a TV needs: big values only (stat panels) and a 10 s refresh.
func TestWallboardFitsTheScreen(t *testing.T) {
	raw, err := os.ReadFile("wallboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var b struct {
		Refresh string      `json:"refresh"`
		Panels  []wallPanel `json:"panels"`
	}
	if err := json.Unmarshal(raw, &b); err != nil {
		t.Fatal(err)
	}
	if b.Refresh != "10s" {
		t.Errorf("refresh %q, want 10s", b.Refresh)
	}
	var repeated []wallPanel
	for _, p := range b.Panels {
		if p.Type != "stat" {
			t.Errorf("panel %q is a %s: the wall board shows big values (stat) only", p.Title, p.Type)
		}
		if p.GridPos.X+p.GridPos.W > screenColumns {
			t.Errorf("panel %q ends at column %d of %d", p.Title, p.GridPos.X+p.GridPos.W, screenColumns)
		}
		if p.Repeat != "" {
			if p.MaxPerRow < 1 {
				t.Errorf("repeated panel %q has no maxPerRow", p.Title)
			}
			repeated = append(repeated, p)
		} else if p.GridPos.Y+p.GridPos.H > screenRows {
			t.Errorf("panel %q ends at row %d of %d", p.Title, p.GridPos.Y+p.GridPos.H, screenRows)
		}
	}
	if len(repeated) != 2 {
		t.Fatalf("want two repeated queue panels (ACD and SmartQueue), have %d", len(repeated))
	}
	for acd := 0; acd <= wallQueues; acd++ {
		if bottom := expandedBottom(repeated, []int{acd, wallQueues - acd}); bottom > screenRows {
			t.Errorf("with %d ACD and %d SmartQueue queues the board ends at row %d of %d", acd, wallQueues-acd, bottom, screenRows)
		}
	}
}

// expandedBottom is the last row of the repeated panels stacked as Grafana
// stacks them: each repetition fills rows of maxPerRow panels, pushing
// the panels below it down.
func expandedBottom(repeated []wallPanel, counts []int) int {
	y := repeated[0].GridPos.Y
	for i, p := range repeated {
		rows := (counts[i] + p.MaxPerRow - 1) / p.MaxPerRow
		y += rows * p.GridPos.H
	}
	return y
}

func TestExpandedBottom(t *testing.T) {
	ps := []wallPanel{{MaxPerRow: 2}, {MaxPerRow: 3}}
	ps[0].GridPos.Y, ps[0].GridPos.H, ps[1].GridPos.H = 4, 3, 5
	// 3 ACD queues: 2 rows of 3; 4 SmartQueue: 2 rows of 5.
	if got := expandedBottom(ps, []int{3, 4}); got != 4+6+10 {
		t.Errorf("got %d, want 20", got)
	}
	if got := expandedBottom(ps, []int{0, 0}); got != 4 {
		t.Errorf("no queues: got %d, want 4", got)
	}
}

package collector

import (
	"log/slog"
	"strings"
)

// warnBadShape says that a statistics item came in a shape nobody
// documented, so its series is left out of this read while the rest of the
// answer is served. It names the method, the item and what came, and
// where: one line per item and read.
func warnBadShape(log *slog.Logger, method, item, shape string, where ...any) {
	log.Warn("a statistics item came in an undocumented shape: its series is left out of this read; please report the shape",
		append([]any{"method", method, "item", item, "shape", shape}, where...)...)
}

// badItems is the set of a queue's items that came in an undocumented
// shape, by their abbreviation (AC, TC, ...).
type badItems map[string]bool

// has reports whether any of items came in an undocumented shape.
func (b badItems) has(items ...string) bool {
	for _, it := range items {
		if b[strings.ToUpper(it)] {
			return true
		}
	}
	return false
}

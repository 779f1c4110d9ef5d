package collector

import (
	"strings"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
)

// writeText renders a family in the text format, for -update.
func writeText(b *strings.Builder, mf *dto.MetricFamily) {
	if _, err := expfmt.MetricFamilyToText(b, mf); err != nil {
		panic(err)
	}
}

package main

import (
	"fmt"
	"time"

	"github.com/alecthomas/kingpin/v2"
)

// probeFlags are the flags of the many-accounts endpoints (/probe, /sd)
// and the configuration file that names their auth modules and modules.
type probeFlags struct {
	configFile     string
	apiConcurrency int
	idleTimeout    time.Duration
	sdRefresh      time.Duration
}

func addProbeFlags(app *kingpin.Application, p *probeFlags) {
	app.Flag("config.file", "YAML file naming auth modules (a credentials file each, optionally their child account ids) and modules (applications and collectors) for /probe and /sd; reloaded on SIGHUP and POST /-/reload. Without it, /probe and /sd serve the auth module and module \"default\" made of the flags.").
		PlaceHolder("FILE").StringVar(&p.configFile)
	app.Flag("probe.api-concurrency", "API requests in flight at once across every /probe target; each target also has its own bound, --voximplant.page-concurrency.").
		Default("16").SetValue(&intFlag{name: "probe.api-concurrency", dst: &p.apiConcurrency})
	durationVar(app.Flag("probe.idle-timeout", "Drop a /probe target's state (its token, caches and reads) when nobody has scraped it for this long.").
		Default("10m"), "probe.idle-timeout", &p.idleTimeout)
	durationVar(app.Flag("sd.refresh", "List an auth module's child accounts (GetChildrenAccounts) for /sd and /probe at most this often.").
		Default("5m"), "sd.refresh", &p.sdRefresh)
}

// validate checks the flags; each error names its flag.
func (p *probeFlags) validate() []error {
	var errs []error
	if p.apiConcurrency < 1 || p.apiConcurrency > 1024 {
		errs = append(errs, fmt.Errorf("--probe.api-concurrency must be between 1 and 1024, got %d", p.apiConcurrency))
	}
	if p.idleTimeout <= 0 {
		errs = append(errs, fmt.Errorf("--probe.idle-timeout must be positive, got %s", p.idleTimeout))
	}
	if p.sdRefresh <= 0 {
		errs = append(errs, fmt.Errorf("--sd.refresh must be positive, got %s", p.sdRefresh))
	}
	return errs
}

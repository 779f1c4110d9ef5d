package main

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/voximplant-exporter/voximplant_exporter/collector"
	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// fileConfig is --config.file: the auth modules and modules of /probe and
// /sd. Unknown keys are errors (strict decoding), so that a misspelt key
// is not silently ignored.
type fileConfig struct {
	AuthModules map[string]fileAuthModule `yaml:"auth_modules"`
	Modules     map[string]fileModule     `yaml:"modules"`
}

// fileAuthModule names a credentials file, and optionally the child
// account ids the key may act on (then GetChildrenAccounts, the Owner
// role's, is never called).
type fileAuthModule struct {
	CredentialsFile string  `yaml:"credentials_file"`
	Children        []int64 `yaml:"children"`
}

// fileModule names the applications to watch and the collectors on
// (users always; the rest as named), with the settings a module may
// change; the others are the flags'.
type fileModule struct {
	Applications struct {
		IDs   []int64  `yaml:"ids"`
		Names []string `yaml:"names"`
		// All watches every application of each target, read with
		// GetApplications when its state is made.
		All bool `yaml:"all"`
	} `yaml:"applications"`
	Collectors []string `yaml:"collectors"`
	// PerUserSeries is --[no-]collector.users for this module.
	PerUserSeries *bool `yaml:"per_user_series"`
	// Refresh are the read intervals (--voximplant.directory-refresh,
	// --collector.*.refresh) for this module; a zero one is the flag's.
	Refresh struct {
		Directory  time.Duration `yaml:"directory"`
		QueueStats time.Duration `yaml:"queue_stats"`
		SmartQueue time.Duration `yaml:"smartqueue"`
		Account    time.Duration `yaml:"account"`
	} `yaml:"refresh"`
}

// reads are the module's read intervals over the flags'.
func (m fileModule) reads(flags collector.ReadOptions) (collector.ReadOptions, error) {
	r := m.Refresh
	for _, d := range []time.Duration{r.Directory, r.QueueStats, r.SmartQueue, r.Account} {
		if d < 0 {
			return flags, fmt.Errorf("%s is negative", d)
		}
	}
	flags.DirectoryRefresh = cmp.Or(r.Directory, flags.DirectoryRefresh)
	flags.QueueStatsRefresh = cmp.Or(r.QueueStats, flags.QueueStatsRefresh)
	flags.SmartQueueRefresh = cmp.Or(r.SmartQueue, flags.SmartQueueRefresh)
	flags.AccountRefresh = cmp.Or(r.Account, flags.AccountRefresh)
	return flags, nil
}

// configError is one problem of the file, naming it, the line and the key.
func configError(file string, line int, key, format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s: %s", file, line, key, fmt.Sprintf(format, args...))
}

// loadConfigFile reads and checks --config.file and makes its target set:
// every credentials file loaded, every module's collectors built. Any
// problem is an error naming the file, the line and the key; the
// credentials' contents are never part of one.
func (mt *multiTarget) loadConfigFile(path string) (*targetSet, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--config.file: %w", err)
	}
	var fc fileConfig
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&fc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: the file is empty: name auth_modules and modules", path)
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(raw, &root); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	line := func(keys ...string) int { return lineOf(&root, keys...) }

	var errs []error
	if len(fc.AuthModules) == 0 {
		errs = append(errs, configError(path, 1, "auth_modules", "no auth module: name at least one, with its credentials_file"))
	}
	if len(fc.Modules) == 0 {
		errs = append(errs, configError(path, 1, "modules", "no module: name at least one, with its applications"))
	}
	life, cancel := context.WithCancel(context.Background())
	set := &targetSet{source: path, close: cancel, targets: map[probeKey]*probeTarget{},
		auths: map[string]*authModule{}, modules: map[string]*probeModule{}}
	for _, name := range slices.Sorted(maps.Keys(fc.AuthModules)) {
		a := fc.AuthModules[name]
		key := "auth_modules." + name
		creds, err := mt.loadModuleCredentials(path, a.CredentialsFile)
		if err != nil {
			errs = append(errs, configError(path, line("auth_modules", name, "credentials_file"), key+".credentials_file", "%v", err))
			continue
		}
		for _, id := range a.Children {
			if id <= 0 {
				errs = append(errs, configError(path, line("auth_modules", name, "children"), key+".children", "%d is not an account id", id))
			}
		}
		// No children: key means GetChildrenAccounts lists them.
		am, err := newAuthModule(life, name, creds, slices.Clone(a.Children), mt)
		if err != nil {
			errs = append(errs, configError(path, line("auth_modules", name), key, "%v", err))
			continue
		}
		set.auths[name] = am
	}
	for _, name := range slices.Sorted(maps.Keys(fc.Modules)) {
		m := fc.Modules[name]
		key := "modules." + name
		apps, err := moduleApps(m)
		if err != nil {
			errs = append(errs, configError(path, line("modules", name, "applications"), key+".applications", "%v", err))
			continue
		}
		cs, err := mt.cfg.collectors.BuildOnly(collector.Settings{Logger: mt.base.With("component", "collector")}, m.Collectors, m.PerUserSeries)
		if err != nil {
			errs = append(errs, configError(path, line("modules", name, "collectors"), key+".collectors", "%v", err))
			continue
		}
		reads, err := m.reads(mt.cfg.collectors.Reads())
		if err != nil {
			errs = append(errs, configError(path, line("modules", name, "refresh"), key+".refresh", "%v", err))
			continue
		}
		set.modules[name] = &probeModule{apps: apps, all: m.Applications.All, collectors: cs, reads: reads}
	}
	if err := errors.Join(errs...); err != nil {
		cancel()
		return nil, err
	}
	return set, nil
}

// loadModuleCredentials loads an auth module's credentials file: an
// absolute path, a name in $CREDENTIALS_DIRECTORY (systemd), or a path
// relative to the configuration file's directory.
func (mt *multiTarget) loadModuleCredentials(configPath, name string) (*voxapi.Credentials, error) {
	if strings.TrimSpace(name) == "" {
		return nil, errors.New("required: the service account's credentials.json")
	}
	p := credentialsPath(name)
	if p == name && !filepath.IsAbs(name) {
		p = filepath.Join(filepath.Dir(configPath), name)
	}
	if fi, err := os.Stat(p); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("%s is a directory", p)
	}
	creds, err := voxapi.LoadCredentials(p)
	if err != nil {
		return nil, err
	}
	warnLoosePermissions(p, mt.log)
	return creds, nil
}

// moduleApps is a module's applications: ids first, then names; none
// with all.
func moduleApps(m fileModule) ([]voxapi.AppSelector, error) {
	if m.Applications.All {
		if len(m.Applications.IDs)+len(m.Applications.Names) > 0 {
			return nil, errors.New("all takes no ids or names: every application of each target is watched")
		}
		return nil, nil
	}
	var out []voxapi.AppSelector
	for _, id := range m.Applications.IDs {
		if id <= 0 {
			return nil, fmt.Errorf("application id %d is not positive", id)
		}
		out = append(out, voxapi.AppSelector{ID: id})
	}
	for _, n := range m.Applications.Names {
		if strings.TrimSpace(n) == "" {
			return nil, errors.New("an application name is empty")
		}
		out = append(out, voxapi.AppSelector{Name: n})
	}
	if len(out) == 0 {
		return nil, errors.New("no application: give ids or names, or all: true")
	}
	return out, nil
}

// lineOf is the line of the value at keys in a YAML document (of the
// deepest key found), 1 when none is.
func lineOf(doc *yaml.Node, keys ...string) int {
	n, line := doc, 1
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	for _, k := range keys {
		if n.Kind != yaml.MappingNode {
			return line
		}
		found := false
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				line, n, found = n.Content[i].Line, n.Content[i+1], true
				break
			}
		}
		if !found {
			return line
		}
	}
	return line
}

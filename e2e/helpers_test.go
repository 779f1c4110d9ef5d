package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/voximplant-exporter/voximplant_exporter/internal/testkit"
)

// run runs a command to completion with a timeout and returns its combined
// output, failing the test (with the output) when it exits non-zero.
func run(t *testing.T, timeout time.Duration, dir string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("%s %s: timed out after %s\n%s", name, strings.Join(args, " "), timeout, out)
	}
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// process is a background process owned by one test.
type process struct {
	name string
	cmd  *exec.Cmd
	out  *testkit.LockedBuffer
	done chan struct{}
	err  error
}

// startProcess starts a long-running process. The test's cleanup stops it
// (SIGTERM, then SIGKILL) and, if the test failed, logs its output.
func startProcess(t *testing.T, name string, bin string, args ...string) *process {
	t.Helper()
	p := &process{name: name, out: &testkit.LockedBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Stdout = p.out
	p.cmd.Stderr = p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = p.cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-p.done:
			case <-time.After(5 * time.Second):
				_ = p.cmd.Process.Kill()
				<-p.done
			}
		}
		if t.Failed() {
			t.Logf("---- output of %s (%s) ----\n%s---- end of %s ----", name, strings.Join(p.cmd.Args, " "), tail(p.out.String(), 64<<10), name)
		}
	})
	return p
}

// exited reports whether the process has ended, with its error.
func (p *process) exited() (bool, error) {
	select {
	case <-p.done:
		return true, p.err
	default:
		return false, nil
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "...\n" + s[len(s)-n:]
}

// waitFor polls cond until it returns true, the deadline passes (fatal,
// with the last reason) or one of the processes exits.
func waitFor(t *testing.T, what string, timeout time.Duration, procs []*process, cond func() (bool, string)) {
	t.Helper()
	testkit.Poll(t, timeout, "waiting for "+what, func() (bool, string) {
		for _, p := range procs {
			if done, err := p.exited(); done {
				t.Fatalf("waiting for %s: %s exited early: %v", what, p.name, err)
			}
		}
		return cond()
	})
}

var httpClient = &http.Client{Timeout: 10 * time.Second}

// httpGet returns the status and body of a GET.
func httpGet(u string) (int, []byte, error) {
	resp, err := httpClient.Get(u)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	return resp.StatusCode, body, err
}

// promAPI talks to a Prometheus server's HTTP API.
type promAPI struct{ base string }

type apiResponse struct {
	Status    string          `json:"status"`
	Data      json.RawMessage `json:"data"`
	ErrorType string          `json:"errorType"`
	Error     string          `json:"error"`
	Warnings  []string        `json:"warnings"`
	Infos     []string        `json:"infos"`
}

// call performs a GET (params nil) or form POST against /api/v1/<path>.
// A success that carries warnings or infos is an error too.
func (p promAPI) call(path string, params url.Values) (json.RawMessage, error) {
	u := p.base + "/api/v1/" + path
	var resp *http.Response
	var err error
	if params == nil {
		resp, err = httpClient.Get(u)
	} else {
		resp, err = httpClient.PostForm(u, params)
	}
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return nil, err
	}
	var r apiResponse
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("HTTP %d, undecodable answer %.200q: %v", resp.StatusCode, body, err)
	}
	if r.Status != "success" {
		return nil, fmt.Errorf("HTTP %d: %s: %s", resp.StatusCode, r.ErrorType, r.Error)
	}
	// An annotated answer is a query to fix: Prometheus 3 adds infos such as
	// "metric might not be a counter" for rate() over a gauge, which 2.42
	// evaluates without a word.
	if len(r.Warnings)+len(r.Infos) > 0 {
		return nil, fmt.Errorf("the answer carries warnings %q and infos %q", r.Warnings, r.Infos)
	}
	return r.Data, nil
}

type sample struct {
	Metric map[string]string `json:"metric"`
	Value  [2]any            `json:"value"`
	Values [][2]any          `json:"values"`
}

type queryData struct {
	ResultType string          `json:"resultType"`
	Result     json.RawMessage `json:"result"`
}

// query runs an instant query and returns its vector or matrix samples
// (a scalar counts as one sample).
func (p promAPI) query(expr string) ([]sample, error) {
	raw, err := p.call("query", url.Values{"query": {expr}})
	if err != nil {
		return nil, err
	}
	return decodeResult(raw)
}

// queryRange runs a range query over the last window.
func (p promAPI) queryRange(expr string, window, step time.Duration) ([]sample, error) {
	now := time.Now()
	raw, err := p.call("query_range", url.Values{
		"query": {expr},
		"start": {fmt.Sprint(now.Add(-window).Unix())},
		"end":   {fmt.Sprint(now.Unix())},
		"step":  {fmt.Sprint(step.Seconds())},
	})
	if err != nil {
		return nil, err
	}
	return decodeResult(raw)
}

func decodeResult(raw json.RawMessage) ([]sample, error) {
	var d queryData
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, err
	}
	switch d.ResultType {
	case "vector", "matrix":
		var s []sample
		err := json.Unmarshal(d.Result, &s)
		return s, err
	case "scalar", "string":
		var v [2]any
		if err := json.Unmarshal(d.Result, &v); err != nil {
			return nil, err
		}
		return []sample{{Value: v}}, nil
	}
	return nil, fmt.Errorf("unexpected result type %q", d.ResultType)
}

// labelValues returns the values of a label on the series matching selector
// (all series when selector is empty), as Grafana's label_values() does.
func (p promAPI) labelValues(label, selector string) ([]string, error) {
	params := url.Values{"start": {fmt.Sprint(time.Now().Add(-10 * time.Minute).Unix())}}
	if selector != "" {
		params.Set("match[]", selector)
	}
	raw, err := p.call("label/"+url.PathEscape(label)+"/values?"+params.Encode(), nil)
	if err != nil {
		return nil, err
	}
	var vals []string
	err = json.Unmarshal(raw, &vals)
	return vals, err
}

// startDemoExporter starts the exporter in demo mode with no other flag
// and waits until path answers 200 with a body ready accepts (nil: any).
// It returns the process and its address.
func startDemoExporter(t *testing.T, path string, ready func(body string) (bool, string)) (*process, string) {
	t.Helper()
	addr := testkit.FreeAddr(t)
	exporter := startProcess(t, "voximplant_exporter", testkit.ExporterBinary(t), "--demo", "--web.listen-address="+addr)
	waitFor(t, "the exporter's "+path, 30*time.Second, []*process{exporter}, func() (bool, string) {
		code, body, err := httpGet("http://" + addr + path)
		switch {
		case err != nil:
			return false, err.Error()
		case code != 200:
			return false, fmt.Sprintf("HTTP %d: %.300s", code, body)
		case ready == nil:
			return true, ""
		}
		return ready(string(body))
	})
	return exporter, addr
}

// startPrometheus starts the prometheus binary with the configuration
// file cfg and a data directory of its own, and waits until it is ready;
// others are the processes it depends on (their exit fails the wait).
func startPrometheus(t *testing.T, prometheus, cfg string, others ...*process) (promAPI, *process) {
	t.Helper()
	addr := testkit.FreeAddr(t)
	prom := startProcess(t, "prometheus", prometheus,
		"--config.file="+cfg,
		"--storage.tsdb.path="+filepath.Join(t.TempDir(), "data"),
		"--web.listen-address="+addr,
		"--log.level=info")
	api := promAPI{base: "http://" + addr}
	waitFor(t, "Prometheus /-/ready", 30*time.Second, append(others, prom), func() (bool, string) {
		code, body, err := httpGet(api.base + "/-/ready")
		if err != nil {
			return false, err.Error()
		}
		return code == 200, fmt.Sprintf("HTTP %d %s", code, body)
	})
	return api, prom
}

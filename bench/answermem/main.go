// Command answermem measures the exporter binary's peak RSS (VmHWM) while
// an API answers every request with a hostile body: a valid GetUsers page
// of 60 MiB, the largest page the default limits allow (64 KiB plus 16 KiB
// for each of 100 users), a 70 MiB body, and a small gzip body that
// inflates to 64 MiB, with one watched application and with four. It prints a Markdown table
// for BENCHMARKS.md. Linux only (it reads /proc).
//
//	go build -o /tmp/exporter . && go run ./bench/answermem -binary /tmp/exporter
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/voximplant-exporter/voximplant_exporter/internal/voxsim"
)

func main() {
	binary := flag.String("binary", "", "exporter binary to measure")
	scrapes := flag.Int("scrapes", 3, "scrapes per case")
	flag.Parse()
	if *binary == "" {
		fmt.Fprintln(os.Stderr, "answermem: -binary is required")
		os.Exit(2)
	}
	cases := []struct {
		name string
		apps int
		body []byte
		gzip bool
	}{
		{"valid 60 MiB page", 1, validPage(100, 60<<20), false},
		{"largest page allowed at the defaults (100 users)", 4, validPage(100, 64<<10+100*16<<10-4096), false},
		{"70 MiB body", 1, padded(70 << 20), false},
		{"gzip bomb, 64 MiB inflated", 1, gzipped(padded(64 << 20)), true},
		{"gzip bomb, 64 MiB inflated", 4, gzipped(padded(64 << 20)), true},
	}
	fmt.Println("| answer | applications | body on the wire | peak RSS (VmHWM) | voximplant_up |")
	fmt.Println("|---|---:|---:|---:|---:|")
	for _, c := range cases {
		rss, up, err := measure(*binary, c.body, c.gzip, c.apps, *scrapes)
		if err != nil {
			fmt.Fprintln(os.Stderr, "answermem:", c.name, err)
			os.Exit(1)
		}
		fmt.Printf("| %s | %d | %s | %d MB | %s |\n", c.name, c.apps, size(len(c.body)), rss/1e6, up)
	}
}

func size(n int) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KiB", n>>10)
}

// validPage is a GetUsers answer of n users whose names bring it to bytes.
func validPage(n, bytes int) []byte {
	var b strings.Builder
	b.Grow(bytes + 1024)
	b.WriteString(`{"result":[`)
	pad := strings.Repeat("x", bytes/n-64)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"user_id":%d,"user_name":"%s","acd_status":"READY"}`, 1001+i, pad)
	}
	fmt.Fprintf(&b, `],"total_count":%d,"count":%d}`, n, n)
	return []byte(b.String())
}

// padded is the start of an answer followed by n bytes of white space.
func padded(n int) []byte {
	return append([]byte(`{"result":[`), bytes.Repeat([]byte(" "), n)...)
}

func gzipped(data []byte) []byte {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	_, _ = zw.Write(data)
	_ = zw.Close()
	return b.Bytes()
}

// measure runs the binary against an API answering body, scrapes it, and
// returns its peak RSS in bytes and the last voximplant_up.
func measure(binary string, body []byte, gz bool, apps, scrapes int) (int64, string, error) {
	api, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, "", err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		if gz {
			w.Header().Set("Content-Encoding", "gzip")
		}
		_, _ = w.Write(body)
	})}
	go func() { _ = srv.Serve(api) }()
	defer srv.Close()

	dir, err := os.MkdirTemp("", "answermem")
	if err != nil {
		return 0, "", err
	}
	defer os.RemoveAll(dir)
	creds := filepath.Join(dir, "credentials.json")
	if err := os.WriteFile(creds, voxsim.NewTestCredentials(4242).JSON(), 0o600); err != nil {
		return 0, "", err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, "", err
	}
	listen := l.Addr().String()
	l.Close()
	args := []string{"--voximplant.api-url=http://" + api.Addr().String() + "/", "--voximplant.credentials-file=" + creds,
		"--web.listen-address=" + listen, "--no-collector.queue-stats", "--voximplant.timeout=30s", "--log.level=error"}
	for i := range apps {
		args = append(args, "--voximplant.application-id="+strconv.Itoa(i+1))
	}
	cmd := exec.Command(binary, args...)
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		return 0, "", err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()

	base := "http://" + listen
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(base + "/-/ready"); err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			return 0, "", fmt.Errorf("exporter not ready")
		}
	}
	up := "?"
	for range scrapes {
		resp, err := http.Get(base + "/metrics")
		if err != nil {
			return 0, "", err
		}
		text, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for line := range strings.Lines(string(text)) {
			if v, ok := strings.CutPrefix(line, "voximplant_up "); ok {
				up = strings.TrimSpace(v)
			}
		}
	}
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", cmd.Process.Pid))
	if err != nil {
		return 0, "", err
	}
	for line := range strings.Lines(string(status)) {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10, up, err
		}
	}
	return 0, "", fmt.Errorf("no VmHWM")
}

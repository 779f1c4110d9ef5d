package voxapi

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParseCredentials: the credentials loader never panics, and neither
// its errors nor a parsed Credentials' String ever carry the key: no run of
// 24 base64 characters from the input's key material (a private_key field
// at the top level or under "result", minus its PEM armour lines) appears
// in them. Input over MaxCredentialsBytes is refused for its size, and
// LoadCredentials of the same bytes in a file says what ParseCredentials
// says. Seeds are in testdata/fuzz/FuzzParseCredentials.
func FuzzParseCredentials(f *testing.F) {
	f.Add([]byte(`{"account_id":1,"key_id":"k","private_key":"-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n"}`))
	f.Add(append([]byte(`{"account_id":1}`), bytes.Repeat([]byte(" "), MaxCredentialsBytes)...))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCredentials(data, "fuzz.json")
		if len(data) > MaxCredentialsBytes && (err == nil || !strings.Contains(err.Error(), "larger than 64 KiB")) {
			t.Fatalf("%d bytes: err %v, want refused for its size", len(data), err)
		}
		path := filepath.Join(dir, "fuzz.json")
		if werr := os.WriteFile(path, data, 0o600); werr != nil {
			t.Fatal(werr)
		}
		_, lerr := LoadCredentials(path)
		if (err == nil) != (lerr == nil) || err != nil && strings.ReplaceAll(lerr.Error(), path, "fuzz.json") != err.Error() {
			t.Fatalf("LoadCredentials says %v, ParseCredentials %v", lerr, err)
		}
		var said string
		switch {
		case err != nil:
			if c != nil {
				t.Fatal("credentials and an error")
			}
			said = err.Error()
		case c == nil || c.PrivateKey == nil || c.AccountID <= 0 || c.KeyID == "":
			t.Fatalf("accepted incomplete credentials: %v", c)
		default:
			said = c.String() + c.GoString()
		}
		for _, run := range keyRuns(data) {
			for i := 0; i+24 <= len(run); i++ {
				if strings.Contains(said, run[i:i+24]) {
					t.Fatalf("%q quotes key material %q", said, run[i:i+24])
				}
			}
		}
	})
}

// keyRuns returns the runs of base64 characters of every private_key string
// in data, PEM armour lines left out.
func keyRuns(data []byte) []string {
	var top struct {
		PrivateKey any `json:"private_key"`
		Result     any `json:"result"`
	}
	if json.Unmarshal(data, &top) != nil {
		return nil
	}
	var keys []string
	add := func(v any) {
		if s, ok := v.(string); ok {
			keys = append(keys, s)
		}
	}
	add(top.PrivateKey)
	switch r := top.Result.(type) {
	case map[string]any:
		add(r["private_key"])
	case []any:
		for _, e := range r {
			if m, ok := e.(map[string]any); ok {
				add(m["private_key"])
			}
		}
	}
	var runs []string
	for _, k := range keys {
		for line := range strings.Lines(k) {
			if strings.HasPrefix(line, "-----") {
				continue
			}
			runs = append(runs, strings.FieldsFunc(line, func(r rune) bool {
				return !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '+' || r == '/' || r == '=')
			})...)
		}
	}
	return runs
}

package voxapi

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseCredentialsAccepts(t *testing.T) {
	key := testKey()
	flat := map[string]any{"account_id": 4242, "key_id": "k-1", "account_email": "sa@example.com", "private_key": pkcs8PEM(t, key)}
	pkcs1 := map[string]any{"account_id": 4242, "key_id": "k-1", "private_key": pkcs1PEM(key)}
	cases := map[string][]byte{
		"flat PKCS#8":    credsJSON(t, flat),
		"flat PKCS#1":    credsJSON(t, pkcs1),
		"result object":  credsJSON(t, map[string]any{"result": flat}),
		"result array":   credsJSON(t, map[string]any{"result": []any{flat}}),
		"id with spaces": []byte(strings.Replace(string(credsJSON(t, flat)), `"account_id":4242`, `"account_id" : 4242`, 1)),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			c, err := ParseCredentials(data, "creds.json")
			if err != nil {
				t.Fatalf("ParseCredentials: %v", err)
			}
			if c.AccountID != 4242 || c.KeyID != "k-1" {
				t.Errorf("got account %d key %q", c.AccountID, c.KeyID)
			}
			if !c.PrivateKey.Equal(key) {
				t.Error("private key differs from the one written")
			}
		})
	}
}

func TestParseCredentialsRejects(t *testing.T) {
	key := testKey()
	keyPEM := pkcs8PEM(t, key)
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	weak512, weak512PKCS8 := weakKeyPEMs(t)
	k1024, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	good := func() map[string]any {
		return map[string]any{"account_id": 4242, "key_id": "k-1", "private_key": keyPEM}
	}
	with := func(k string, v any) []byte {
		m := good()
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		return credsJSON(t, m)
	}
	cases := []struct {
		name  string
		data  []byte
		field string
		want  string
	}{
		{"not JSON", []byte("account_id=1"), "", "not valid JSON"},
		{"JSON array", []byte(`[1,2]`), "", "not a JSON object"},
		{"empty", []byte(``), "", "not valid JSON"},
		{"no account_id", with("account_id", nil), "account_id", "is missing"},
		{"account_id as string", with("account_id", "4242"), "account_id", "whole number"},
		{"account_id fractional", with("account_id", 42.5), "account_id", "whole number"},
		{"account_id zero", with("account_id", 0), "account_id", "positive"},
		{"no key_id", with("key_id", nil), "key_id", "is missing"},
		{"key_id number", with("key_id", 7), "key_id", "must be a string"},
		{"key_id empty", with("key_id", ""), "key_id", "is empty"},
		{"no private_key", with("private_key", nil), "private_key", "is missing"},
		{"private_key not PEM", with("private_key", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"), "private_key", "not a PEM"},
		{"private_key EC", with("private_key", pkcs8PEM(t, ec)), "private_key", "ECDSA key, not RSA"},
		{"private_key wrong block", with("private_key", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), "private_key", `"CERTIFICATE"`},
		{"private_key garbled PKCS#8", with("private_key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), "private_key", "does not parse"},
		{"private_key encrypted", with("private_key", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n"), "private_key", "encrypted"},
		{"result array of two", credsJSON(t, map[string]any{"result": []any{good(), good()}}), "result", "exactly one"},
		{"result not object", []byte(`{"result": 5}`), "result", "not a JSON object"},
		{"account_email number", with("account_email", 5), "account_email", "must be a string"},
		{"private_key 512-bit PKCS#1", with("private_key", weak512), "private_key", "is a 512-bit RSA key; at least 2048 bits"},
		{"private_key 512-bit PKCS#8", with("private_key", weak512PKCS8), "private_key", "is a 512-bit RSA key; at least 2048 bits"},
		{"private_key 1024-bit", with("private_key", pkcs8PEM(t, k1024)), "private_key", "is a 1024-bit RSA key; at least 2048 bits"},
		{"private_key huge block", with("private_key", "-----BEGIN PRIVATE KEY-----\n"+strings.Repeat("AAAA", 4000)+"\n-----END PRIVATE KEY-----\n"), "private_key", "far larger than an RSA service-account key"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseCredentials(tc.data, "/etc/vox/creds.json")
			if err == nil {
				t.Fatal("ParseCredentials accepted bad input")
			}
			msg := err.Error()
			if !strings.Contains(msg, `"/etc/vox/creds.json"`) {
				t.Errorf("error does not name the file: %s", msg)
			}
			if tc.field != "" && !strings.Contains(msg, fmt.Sprintf("field %q", tc.field)) {
				t.Errorf("error does not name field %q: %s", tc.field, msg)
			}
			if !strings.Contains(msg, tc.want) {
				t.Errorf("error %q does not say %q", msg, tc.want)
			}
			if strings.Contains(msg, "MII") || strings.Contains(msg, "AAAA") || strings.Contains(msg, keyPEM[40:80]) {
				t.Errorf("error leaks key material: %s", msg)
			}
		})
	}
}

// weakKeyPEMs is a 512-bit RSA test key (testdata/weak-rsa512.pem: Go
// no longer generates keys that small) as PKCS#1 and as PKCS#8 PEM.
func weakKeyPEMs(t *testing.T) (pkcs1, pkcs8 string) {
	t.Helper()
	b, err := os.ReadFile("testdata/weak-rsa512.pem")
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(b)
	if block == nil {
		t.Fatal("testdata/weak-rsa512.pem holds no PEM block")
	}
	k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if k.N.BitLen() != 512 {
		t.Fatalf("test key has %d bits, want 512", k.N.BitLen())
	}
	return string(b), pkcs8PEM(t, k)
}

func TestLoadCredentialsFileErrors(t *testing.T) {
	dir := t.TempDir()
	_, err := LoadCredentials(filepath.Join(dir, "missing.json"))
	if err == nil || !strings.Contains(err.Error(), "missing.json") || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing file: got %v", err)
	}
	if os.Geteuid() != 0 { // root reads anything
		p := writeFile(t, "c.json", []byte("{}"))
		if err := os.Chmod(p, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadCredentials(p); err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("unreadable file: got %v", err)
		}
	}
	good := credsJSON(t, map[string]any{"account_id": 1, "key_id": "k", "private_key": pkcs1PEM(testKey())})
	c, err := LoadCredentials(writeFile(t, "ok.json", good))
	if err != nil || c.AccountID != 1 {
		t.Fatalf("good file: %v", err)
	}
}

func TestCredentialsNeverPrintKey(t *testing.T) {
	c := testCredentials()
	for _, s := range []string{c.String(), fmt.Sprintf("%v", c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), fmt.Sprint(c)} {
		if strings.Contains(s, c.PrivateKey.D.String()) || strings.Contains(s, c.PrivateKey.N.String()) || strings.Contains(s, "PrivateKey") {
			t.Errorf("formatted credentials expose the key: %.80s", s)
		}
		if !strings.Contains(s, "key-1") {
			t.Errorf("formatted credentials do not name the key id: %s", s)
		}
	}
}

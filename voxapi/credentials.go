package voxapi

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
)

// Credentials are the parts of a Voximplant service-account key file
// (credentials.json) that sign Management API tokens.
//
// String and GoString never print the private key, so a Credentials value can
// be logged or wrapped in an error without leaking it.
type Credentials struct {
	AccountID    int64
	KeyID        string
	AccountEmail string
	PrivateKey   *rsa.PrivateKey
}

// String describes the credentials without the key.
func (c *Credentials) String() string {
	if c == nil {
		return "<nil credentials>"
	}
	return fmt.Sprintf("voximplant credentials (account_id=%d, key_id=%s)", c.AccountID, c.KeyID)
}

// GoString keeps %#v from dumping the key.
func (c *Credentials) GoString() string { return c.String() }

// CredentialsError names the file and the field at fault. It never carries
// any part of the key material.
type CredentialsError struct {
	File   string // path, or a description of the source
	Field  string // JSON field at fault, empty when the file as a whole is
	Reason string
	Err    error // underlying error, only when it cannot contain secrets
}

func (e *CredentialsError) Error() string {
	msg := "credentials file " + quote(e.File)
	if e.Field != "" {
		msg += ": field " + quote(e.Field)
	}
	msg += ": " + e.Reason
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *CredentialsError) Unwrap() error { return e.Err }

func quote(s string) string { return fmt.Sprintf("%q", s) }

// LoadCredentials reads and parses a credentials.json file, which must be
// a regular file of at most MaxCredentialsBytes.
func LoadCredentials(path string) (*Credentials, error) {
	data, err := readCredentialsFile(path)
	if err != nil {
		return nil, err
	}
	return ParseCredentials(data, path)
}

// rawCredentials mirrors credentials.json. Fields are json.RawMessage so that
// a field of the wrong type is reported by name rather than by offset.
type rawCredentials struct {
	AccountID    json.RawMessage `json:"account_id"`
	KeyID        json.RawMessage `json:"key_id"`
	PrivateKey   json.RawMessage `json:"private_key"`
	AccountEmail json.RawMessage `json:"account_email"`
	Result       json.RawMessage `json:"result"`
}

// ParseCredentials parses the contents of a credentials file. source names
// the file in errors. It accepts the flat object Voximplant ships and the raw
// CreateKey answer, {"result": {...}} or {"result": [{...}]}.
func ParseCredentials(data []byte, source string) (*Credentials, error) {
	fail := func(field, reason string) error {
		return &CredentialsError{File: source, Field: field, Reason: reason}
	}
	if len(data) > MaxCredentialsBytes {
		return nil, tooLarge(source, int64(len(data)))
	}
	var raw rawCredentials
	if err := json.Unmarshal(data, &raw); err != nil {
		// json errors quote at most a type name and an offset, never content.
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, &CredentialsError{File: source, Reason: fmt.Sprintf("is not valid JSON (syntax error at byte %d)", se.Offset)}
		}
		return nil, fail("", "is not a JSON object")
	}
	if len(raw.Result) > 0 && len(raw.AccountID) == 0 && len(raw.PrivateKey) == 0 {
		inner := bytes.TrimSpace(raw.Result)
		if len(inner) > 0 && inner[0] == '[' {
			var list []json.RawMessage
			if err := json.Unmarshal(inner, &list); err != nil {
				return nil, fail("result", "is not an array of objects")
			}
			if len(list) != 1 {
				return nil, fail("result", fmt.Sprintf("holds %d keys, want exactly one", len(list)))
			}
			inner = list[0]
		}
		raw = rawCredentials{}
		if err := json.Unmarshal(inner, &raw); err != nil {
			return nil, fail("result", "is not a JSON object")
		}
	}

	c := &Credentials{}
	if len(raw.AccountID) == 0 || string(raw.AccountID) == "null" {
		return nil, fail("account_id", "is missing")
	}
	if err := json.Unmarshal(raw.AccountID, &c.AccountID); err != nil {
		return nil, fail("account_id", "must be a whole number")
	}
	if c.AccountID <= 0 {
		return nil, fail("account_id", "must be a positive number")
	}
	if err := requiredString(raw.KeyID, &c.KeyID); err != "" {
		return nil, fail("key_id", err)
	}
	var pemText string
	if err := requiredString(raw.PrivateKey, &pemText); err != "" {
		return nil, fail("private_key", err)
	}
	if len(raw.AccountEmail) > 0 && string(raw.AccountEmail) != "null" {
		if json.Unmarshal(raw.AccountEmail, &c.AccountEmail) != nil {
			return nil, fail("account_email", "must be a string")
		}
	}
	key, reason := parseRSAPrivateKey([]byte(pemText))
	if key == nil {
		return nil, fail("private_key", reason)
	}
	c.PrivateKey = key
	return c, nil
}

func requiredString(raw json.RawMessage, dst *string) string {
	if len(raw) == 0 || string(raw) == "null" {
		return "is missing"
	}
	if json.Unmarshal(raw, dst) != nil {
		return "must be a string"
	}
	if *dst == "" {
		return "is empty"
	}
	return ""
}

// maxKeyDER bounds the DER size of a private key block.
const maxKeyDER = 8 << 10

// MinRSABits is the smallest RSA key accepted. Go's crypto refuses to sign
// with smaller keys, so a weaker key would pass start-up and then fail every
// scrape; Voximplant issues 2048-bit keys.
const MinRSABits = 2048

// parseRSAPrivateKey accepts PKCS#8 ("BEGIN PRIVATE KEY") and PKCS#1
// ("BEGIN RSA PRIVATE KEY") PEM. On failure it returns a reason that names
// the problem without quoting the key.
func parseRSAPrivateKey(data []byte) (*rsa.PrivateKey, string) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, "is not a PEM-encoded key (expected -----BEGIN PRIVATE KEY-----)"
	}
	// Voximplant issues 2048-bit keys (about 1.2 KB of DER); even a 4096-bit
	// key is under 2.5 KB. A far larger block is not a service-account key,
	// and checking one can take the crypto library a long time.
	if len(block.Bytes) > maxKeyDER {
		return nil, fmt.Sprintf("holds a %d-byte key block, far larger than an RSA service-account key", len(block.Bytes))
	}
	switch block.Type {
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, "holds a PKCS#8 block that does not parse"
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Sprintf("is a %s key, not RSA (Voximplant signs with RS256)", keyKind(k))
		}
		return strongEnough(rk)
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, "holds a PKCS#1 RSA block that does not parse"
		}
		return strongEnough(k)
	case "ENCRYPTED PRIVATE KEY":
		return nil, "is encrypted; store the key unencrypted as Voximplant issues it"
	default:
		return nil, fmt.Sprintf("holds a PEM block of type %q, not an RSA private key", block.Type)
	}
}

// strongEnough refuses RSA keys under MinRSABits.
func strongEnough(k *rsa.PrivateKey) (*rsa.PrivateKey, string) {
	if bits := k.N.BitLen(); bits < MinRSABits {
		return nil, fmt.Sprintf("is a %d-bit RSA key; at least %d bits are required (create a new service-account key in the Voximplant control panel)", bits, MinRSABits)
	}
	return k, ""
}

func keyKind(k any) string {
	switch fmt.Sprintf("%T", k) {
	case "*ecdsa.PrivateKey":
		return "ECDSA"
	case "ed25519.PrivateKey":
		return "Ed25519"
	case "*ecdh.PrivateKey":
		return "ECDH"
	default:
		return fmt.Sprintf("%T", k)
	}
}

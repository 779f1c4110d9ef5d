package voxsim

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// parsedCreds decodes a credentials.json the way a client must.
type parsedCreds struct {
	AccountEmail string `json:"account_email"`
	AccountID    any    `json:"account_id"`
	KeyID        string `json:"key_id"`
	PrivateKey   string `json:"private_key"`
}

func checkCreds(t *testing.T, c *Credentials, p parsedCreds, pemType string) {
	t.Helper()
	if id, ok := p.AccountID.(float64); !ok || int64(id) != c.AccountID {
		t.Errorf("account_id %#v, want the number %d", p.AccountID, c.AccountID)
	}
	if p.KeyID != c.KeyID || p.AccountEmail != c.AccountEmail {
		t.Errorf("key_id %q email %q", p.KeyID, p.AccountEmail)
	}
	block, _ := pem.Decode([]byte(p.PrivateKey))
	if block == nil || block.Type != pemType {
		t.Fatalf("private_key is not a %q PEM block", pemType)
	}
	var key any
	var err error
	if pemType == "PRIVATE KEY" {
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	} else {
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	}
	if err != nil {
		t.Fatal(err)
	}
	if rk, ok := key.(*rsa.PrivateKey); !ok || !rk.Equal(c.PrivateKey) {
		t.Error("the PEM key is not the credentials' key")
	}
}

func TestCredentialsJSON(t *testing.T) {
	c := NewTestCredentials(1234)
	if len(c.KeyID) != 36 || strings.Count(c.KeyID, "-") != 4 {
		t.Errorf("key id %q is not UUID-shaped", c.KeyID)
	}
	var flat parsedCreds
	if err := json.Unmarshal(c.JSON(), &flat); err != nil {
		t.Fatal(err)
	}
	checkCreds(t, c, flat, "PRIVATE KEY")
	var keys map[string]any
	_ = json.Unmarshal(c.JSON(), &keys)
	if len(keys) != 4 {
		t.Errorf("credentials.json has fields %v, want exactly the four documented", keys)
	}

	var pkcs1 parsedCreds
	if err := json.Unmarshal(c.JSONPKCS1(), &pkcs1); err != nil {
		t.Fatal(err)
	}
	checkCreds(t, c, pkcs1, "RSA PRIVATE KEY")

	var obj struct{ Result parsedCreds }
	if err := json.Unmarshal(c.JSONWrappedObject(), &obj); err != nil {
		t.Fatal(err)
	}
	checkCreds(t, c, obj.Result, "PRIVATE KEY")

	var arr struct{ Result []parsedCreds }
	if err := json.Unmarshal(c.JSONWrappedArray(), &arr); err != nil {
		t.Fatal(err)
	}
	if len(arr.Result) != 1 {
		t.Fatalf("wrapped array has %d elements", len(arr.Result))
	}
	checkCreds(t, c, arr.Result[0], "PRIVATE KEY")
}

func TestCredentialsWriteFile(t *testing.T) {
	c := NewTestCredentials(1234)
	dir := t.TempDir()
	// A pre-existing, too-open file must end up 0600.
	if err := os.WriteFile(dir+"/credentials.json", nil, 0o644); err != nil {
		t.Fatal(err)
	}
	path, err := c.WriteFile(dir)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	b, _ := os.ReadFile(path)
	if string(b) != string(c.JSON()) {
		t.Error("file content differs from JSON()")
	}
	if _, err := c.WriteFile(dir + "/missing"); err == nil {
		t.Error("WriteFile into a missing directory succeeded")
	}
}

func TestMintToken(t *testing.T) {
	c := NewTestCredentials(99)
	iat := time.Unix(1700000000, 0)
	s, err := c.MintToken(iat, iat.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	claims := jwt.MapClaims{}
	tok, err := jwt.NewParser(jwt.WithoutClaimsValidation(), jwt.WithJSONNumber()).ParseWithClaims(s, claims,
		func(*jwt.Token) (any, error) { return &c.PrivateKey.PublicKey, nil })
	if err != nil {
		t.Fatal(err)
	}
	if tok.Header["kid"] != c.KeyID || tok.Header["alg"] != "RS256" {
		t.Errorf("header %v", tok.Header)
	}
	if claims["iss"] != json.Number("99") || claims["iat"] != json.Number("1700000000") || claims["exp"] != json.Number("1700003600") {
		t.Errorf("claims %v", claims)
	}
}

func TestTestKeyCached(t *testing.T) {
	first, again := TestKey(), TestKey()
	if first != again || first.N.BitLen() != keyBits {
		t.Error("TestKey is not one cached 2048-bit key")
	}
}

func TestNewCredentialsGeneratesKey(t *testing.T) {
	if testing.Short() {
		t.Skip("RSA key generation is slow")
	}
	c, err := NewCredentials(5)
	if err != nil {
		t.Fatal(err)
	}
	if c.AccountID != 5 || c.PrivateKey.N.BitLen() != keyBits || c.PrivateKey.Equal(TestKey()) {
		t.Errorf("NewCredentials: account %d, %d bits", c.AccountID, c.PrivateKey.N.BitLen())
	}
}

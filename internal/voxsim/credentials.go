package voxsim

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// keyBits is the size Voximplant uses for service-account keys.
const keyBits = 2048

// Credentials is a service-account key as Voximplant issues it. The simulator
// verifies tokens with its public half; tests hand its JSON to the client.
type Credentials struct {
	AccountID    int64
	KeyID        string
	AccountEmail string
	PrivateKey   *rsa.PrivateKey
}

// NewCredentials generates a fresh 2048-bit key for accountID. Key generation
// costs tens to hundreds of milliseconds; tests should prefer
// NewTestCredentials, which reuses TestKey.
func NewCredentials(accountID int64) (*Credentials, error) {
	key, err := rsa.GenerateKey(rand.Reader, keyBits)
	if err != nil {
		return nil, fmt.Errorf("voxsim: generate RSA key: %w", err)
	}
	return NewCredentialsWithKey(accountID, newKeyID(), key), nil
}

// NewCredentialsWithKey builds credentials around an existing key, so tests
// can share one key across many simulated accounts.
func NewCredentialsWithKey(accountID int64, keyID string, key *rsa.PrivateKey) *Credentials {
	return &Credentials{
		AccountID:    accountID,
		KeyID:        keyID,
		AccountEmail: fmt.Sprintf("account-%d@example.com", accountID),
		PrivateKey:   key,
	}
}

// NewTestCredentials returns credentials for accountID built on the cached
// TestKey with a random key id: cheap enough to call in every test.
func NewTestCredentials(accountID int64) *Credentials {
	return NewCredentialsWithKey(accountID, newKeyID(), TestKey())
}

var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	key, err := rsa.GenerateKey(rand.Reader, keyBits)
	if err != nil {
		panic(fmt.Errorf("voxsim: generate test RSA key: %w", err))
	}
	return key
})

// TestKey returns a process-wide 2048-bit RSA key, generated on first use,
// so that a test binary pays for key generation once.
func TestKey() *rsa.PrivateKey { return testKey() }

// newKeyID returns a random UUID-shaped id, the form Voximplant key ids take.
func newKeyID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Errorf("voxsim: read random key id: %w", err))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// credentialsFile mirrors credentials.json field for field, in the order
// Voximplant writes them.
type credentialsFile struct {
	AccountEmail string `json:"account_email"`
	AccountID    int64  `json:"account_id"`
	KeyID        string `json:"key_id"`
	PrivateKey   string `json:"private_key"`
}

func (c *Credentials) file(pkcs1 bool) credentialsFile {
	var block *pem.Block
	if pkcs1 {
		block = &pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(c.PrivateKey)}
	} else {
		der, err := x509.MarshalPKCS8PrivateKey(c.PrivateKey)
		if err != nil {
			// An *rsa.PrivateKey always marshals; failing here is a bug.
			panic(fmt.Errorf("voxsim: marshal PKCS#8 key: %w", err))
		}
		block = &pem.Block{Type: "PRIVATE KEY", Bytes: der}
	}
	return credentialsFile{
		AccountEmail: c.AccountEmail,
		AccountID:    c.AccountID,
		KeyID:        c.KeyID,
		PrivateKey:   string(pem.EncodeToMemory(block)),
	}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Errorf("voxsim: marshal %T: %w", v, err))
	}
	return b
}

// JSON returns credentials.json as Voximplant ships it: a flat object with
// the key as PKCS#8 PEM.
func (c *Credentials) JSON() []byte { return mustJSON(c.file(false)) }

// JSONPKCS1 is JSON with the key as PKCS#1 ("BEGIN RSA PRIVATE KEY"), which
// the client must accept too.
func (c *Credentials) JSONPKCS1() []byte { return mustJSON(c.file(true)) }

// JSONWrappedObject is the raw CreateKey response some guides tell users to
// save: {"result": {...}}.
func (c *Credentials) JSONWrappedObject() []byte {
	return mustJSON(map[string]any{"result": c.file(false)})
}

// JSONWrappedArray is the CreateKey response in its array form:
// {"result": [{...}]}.
func (c *Credentials) JSONWrappedArray() []byte {
	return mustJSON(map[string]any{"result": []credentialsFile{c.file(false)}})
}

// WriteFile writes credentials.json into dir with mode 0600, as a careful
// operator would, and returns its path.
func (c *Credentials) WriteFile(dir string) (string, error) {
	path := filepath.Join(dir, "credentials.json")
	if err := os.WriteFile(path, c.JSON(), 0o600); err != nil {
		return "", fmt.Errorf("voxsim: write credentials: %w", err)
	}
	// WriteFile keeps the mode of an existing file; force it.
	if err := os.Chmod(path, 0o600); err != nil {
		return "", fmt.Errorf("voxsim: chmod credentials: %w", err)
	}
	return path, nil
}

// MintToken signs a token the way a correct client does (RS256, kid, numeric
// iss), so tests of the simulator itself, and client tests that need a
// reference token, do not have to hand-roll one.
func (c *Credentials) MintToken(iat, exp time.Time) (string, error) {
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{
		"iss": c.AccountID,
		"iat": iat.Unix(),
		"exp": exp.Unix(),
	})
	tok.Header["kid"] = c.KeyID
	s, err := tok.SignedString(c.PrivateKey)
	if err != nil {
		return "", fmt.Errorf("voxsim: sign token: %w", err)
	}
	return s, nil
}

package voxapi

import (
	"fmt"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Token timing. Voximplant rejects tokens whose exp-iat exceeds an hour (454)
// and tokens issued in its future (455), so iat is back-dated a little, the
// lifetime stays well under the hour, and a token is replaced shortly before
// it expires rather than on the first 456.
const (
	tokenLifetime      = 20 * time.Minute
	tokenRefreshBefore = 2 * time.Minute
	tokenBackdate      = 5 * time.Second
	// skewBackdate is used after a 455 (token from the future): the local
	// clock runs ahead of the API's, so the next token starts earlier.
	skewBackdate = 60 * time.Second
)

// tokenSource mints RS256 service-account tokens and reuses each one until
// shortly before it expires. It is safe for concurrent use: concurrent
// callers share one token and at most one mint happens at a time.
type tokenSource struct {
	creds     *Credentials
	accountID int64 // iss: the credentials' account, or a child account
	now       func() time.Time

	mu       sync.Mutex
	token    string
	gen      uint64    // bumped per mint: two mints in one second sign identical strings
	expires  time.Time // local clock
	backdate time.Duration
	mints    int
}

func newTokenSource(creds *Credentials, accountID int64, now func() time.Time) *tokenSource {
	if accountID == 0 {
		accountID = creds.AccountID
	}
	return &tokenSource{creds: creds, accountID: accountID, now: now, backdate: tokenBackdate}
}

// Token returns a valid token and its generation, minting one if the cached
// one is missing or close to expiry.
func (ts *tokenSource) Token() (string, uint64, error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	now := ts.now()
	if ts.token != "" && now.Before(ts.expires.Add(-tokenRefreshBefore)) {
		return ts.token, ts.gen, nil
	}
	tok, err := ts.mintLocked(now)
	return tok, ts.gen, err
}

// Invalidate drops the token of generation gen if it is still the cached one, so that the next
// Token call mints anew. Concurrent requests that all fail with the same
// stale token cause one mint, not one each. fromFuture widens the
// back-dating of iat for a clock that runs ahead of the API's.
func (ts *tokenSource) Invalidate(gen uint64, fromFuture bool) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if fromFuture {
		ts.backdate = skewBackdate
	}
	if ts.gen == gen {
		ts.token = ""
	}
}

// Mints counts the tokens minted so far.
func (ts *tokenSource) Mints() int {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.mints
}

func (ts *tokenSource) mintLocked(now time.Time) (string, error) {
	iat := now.Add(-ts.backdate)
	exp := now.Add(tokenLifetime)
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{
		// iss must be a JSON number: int64 marshals as one.
		"iss": ts.accountID,
		"iat": iat.Unix(),
		"exp": exp.Unix(),
	})
	tok.Header["kid"] = ts.creds.KeyID
	signed, err := tok.SignedString(ts.creds.PrivateKey)
	if err != nil {
		// The signer's error names the algorithm problem, never the key.
		return "", fmt.Errorf("sign Management API token: %w", err)
	}
	ts.token = signed
	ts.expires = exp
	ts.mints++
	ts.gen++
	return signed, nil
}

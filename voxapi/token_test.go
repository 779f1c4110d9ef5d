package voxapi

import (
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// parseToken verifies the signature with the public key, as the API does.
func parseToken(t *testing.T, tok string) (*jwt.Token, jwt.MapClaims) {
	t.Helper()
	claims := jwt.MapClaims{}
	parsed, err := jwt.ParseWithClaims(tok, claims, func(*jwt.Token) (any, error) {
		return &testKey().PublicKey, nil
	}, jwt.WithValidMethods([]string{"RS256"}), jwt.WithoutClaimsValidation(), jwt.WithJSONNumber())
	if err != nil {
		t.Fatalf("token does not verify with the account's public key: %v", err)
	}
	return parsed, claims
}

func TestTokenHeaderAndClaims(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name     string
		override int64
		wantIss  string
	}{
		{"own account", 0, "4242"},
		{"child account", 777, "777"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTokenSource(testCredentials(), tc.override, func() time.Time { return now })
			tok, _, err := ts.Token()
			if err != nil {
				t.Fatal(err)
			}
			parsed, claims := parseToken(t, tok)
			if parsed.Header["alg"] != "RS256" || parsed.Header["typ"] != "JWT" || parsed.Header["kid"] != "key-1" {
				t.Errorf("header = %v", parsed.Header)
			}
			iss, ok := claims["iss"].(interface{ String() string })
			if !ok {
				t.Fatalf("iss is %T, want a JSON number", claims["iss"])
			}
			if iss.String() != tc.wantIss {
				t.Errorf("iss = %s, want %s", iss, tc.wantIss)
			}
			iat, _ := claims.GetIssuedAt()
			exp, _ := claims.GetExpirationTime()
			if iat == nil || exp == nil {
				t.Fatal("iat or exp missing")
			}
			if back := now.Sub(iat.Time); back <= 0 || back > 30*time.Second {
				t.Errorf("iat back-dated by %s, want a few seconds", back)
			}
			if life := exp.Sub(iat.Time); life > 50*time.Minute || life < 5*time.Minute {
				t.Errorf("exp - iat = %s, want well under an hour", life)
			}
		})
	}
}

func TestTokenReusedThenRefreshed(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	ts := newTokenSource(testCredentials(), 0, clock)

	first, _, _ := ts.Token()
	advance(tokenLifetime - tokenRefreshBefore - time.Second)
	if again, _, _ := ts.Token(); again != first {
		t.Error("token re-minted before it was close to expiry")
	}
	advance(2 * time.Second)
	second, _, _ := ts.Token()
	if second == first {
		t.Error("token not re-minted close to expiry")
	}
	if ts.Mints() != 2 {
		t.Errorf("mints = %d, want 2", ts.Mints())
	}
}

func TestTokenConcurrentUseMintsOnce(t *testing.T) {
	ts := newTokenSource(testCredentials(), 0, time.Now)
	var wg sync.WaitGroup
	toks := make([]string, 32)
	gens := make([]uint64, 32)
	for i := range toks {
		wg.Go(func() {
			tok, gen, err := ts.Token()
			if err != nil {
				t.Error(err)
			}
			toks[i], gens[i] = tok, gen
		})
	}
	wg.Wait()
	for _, tok := range toks {
		if tok != toks[0] {
			t.Fatal("concurrent callers got different tokens")
		}
	}
	if ts.Mints() != 1 {
		t.Errorf("mints = %d, want 1", ts.Mints())
	}

	// Many requests failing with the same stale token cause one mint.
	stale := gens[0]
	for range 8 {
		wg.Go(func() {
			ts.Invalidate(stale, false)
			if _, _, err := ts.Token(); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if ts.Mints() != 2 {
		t.Errorf("after invalidation by 8 requests: mints = %d, want 2", ts.Mints())
	}
}

func TestTokenFromFutureBackdatesMore(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	ts := newTokenSource(testCredentials(), 0, func() time.Time { return now })
	_, gen, _ := ts.Token()
	ts.Invalidate(gen, true)
	tok2, _, _ := ts.Token()
	_, claims := parseToken(t, tok2)
	iat, _ := claims.GetIssuedAt()
	exp, _ := claims.GetExpirationTime()
	if back := now.Sub(iat.Time); back < 30*time.Second {
		t.Errorf("after 455, iat back-dated by only %s", back)
	}
	if exp.Sub(iat.Time) > time.Hour {
		t.Errorf("exp - iat = %s, over the API's limit", exp.Sub(iat.Time))
	}
}

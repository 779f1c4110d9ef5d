package voxsim

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// sign builds a token with arbitrary header and claims.
func sign(t *testing.T, method jwt.SigningMethod, key any, kid any, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	if kid != nil {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestAuthentication(t *testing.T) {
	const child = 777
	h := newHarness(t, func(c *Config) { c.ExtraAccounts = []int64{child} })
	key, kid := h.creds.PrivateKey, h.creds.KeyID
	otherKey, err := rsa.GenerateKey(rand.Reader, 1024) // small: only needs to differ
	if err != nil {
		t.Fatal(err)
	}
	now := fixedNow.Unix()
	good := func() jwt.MapClaims { return jwt.MapClaims{"iss": testAccountID, "iat": now - 5, "exp": now + 600} }
	with := func(k string, v any) jwt.MapClaims {
		c := good()
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return c
	}
	rs := jwt.SigningMethodRS256
	tampered := func() string {
		s := sign(t, rs, key, kid, good())
		parts := strings.Split(s, ".")
		sig, err := base64.RawURLEncoding.DecodeString(parts[2])
		if err != nil {
			t.Fatal(err)
		}
		sig[10] ^= 0xff
		return parts[0] + "." + parts[1] + "." + base64.RawURLEncoding.EncodeToString(sig)
	}

	cases := []struct {
		name   string
		header string // full Authorization header; "" => none
		want   int    // 0 => success
	}{
		{"valid", "Bearer " + sign(t, rs, key, kid, good()), 0},
		{"MintToken", "Bearer " + h.token, 0},
		{"child account in iss", "Bearer " + sign(t, rs, key, kid, with("iss", child)), 0},
		{"ttl exactly 3600", "Bearer " + sign(t, rs, key, kid, jwt.MapClaims{"iss": testAccountID, "iat": now - 5, "exp": now + 3595}), 0},
		{"iat within skew", "Bearer " + sign(t, rs, key, kid, with("iat", now+4)), 0},
		{"no header", "", CodeAuthFailed},
		{"not bearer", "Basic dXNlcjpwYXNz", CodeAuthFailed},
		{"empty bearer", "Bearer ", CodeAuthFailed},
		{"garbage", "Bearer not-a-jwt", CodeInvalidTokenFormat},
		{"two segments", "Bearer abc.def", CodeInvalidTokenFormat},
		{"HS256", "Bearer " + sign(t, jwt.SigningMethodHS256, []byte("secret"), kid, good()), CodeInvalidTokenFormat},
		{"RS512", "Bearer " + sign(t, jwt.SigningMethodRS512, key, kid, good()), CodeInvalidTokenFormat},
		{"alg none", "Bearer " + sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, kid, good()), CodeInvalidTokenFormat},
		{"wrong kid", "Bearer " + sign(t, rs, key, "0000-wrong", good()), CodeInvalidKeyID},
		{"no kid", "Bearer " + sign(t, rs, key, nil, good()), CodeInvalidKeyID},
		{"numeric kid", "Bearer " + sign(t, rs, key, 12, good()), CodeInvalidKeyID},
		{"other key", "Bearer " + sign(t, rs, otherKey, kid, good()), CodeAuthFailed},
		{"tampered signature", "Bearer " + tampered(), CodeAuthFailed},
		{"iss as string", "Bearer " + sign(t, rs, key, kid, with("iss", "4242")), CodeAuthFailed},
		{"iss other account", "Bearer " + sign(t, rs, key, kid, with("iss", 4243)), CodeAuthFailed},
		{"iss missing", "Bearer " + sign(t, rs, key, kid, with("iss", nil)), CodeAuthFailed},
		{"iat missing", "Bearer " + sign(t, rs, key, kid, with("iat", nil)), CodeInvalidTokenFormat},
		{"exp missing", "Bearer " + sign(t, rs, key, kid, with("exp", nil)), CodeInvalidTokenFormat},
		{"exp as string", "Bearer " + sign(t, rs, key, kid, with("exp", "soon")), CodeInvalidTokenFormat},
		{"ttl 3601", "Bearer " + sign(t, rs, key, kid, jwt.MapClaims{"iss": testAccountID, "iat": now - 5, "exp": now + 3596}), CodeTokenTTLTooLong},
		{"iat beyond skew", "Bearer " + sign(t, rs, key, kid, jwt.MapClaims{"iss": testAccountID, "iat": now + 6, "exp": now + 600}), CodeTokenFromFuture},
		{"expired", "Bearer " + sign(t, rs, key, kid, jwt.MapClaims{"iss": testAccountID, "iat": now - 700, "exp": now - 100}), CodeTokenExpired},
		{"expires now", "Bearer " + sign(t, rs, key, kid, jwt.MapClaims{"iss": testAccountID, "iat": now - 700, "exp": now}), CodeTokenExpired},
	}
	failures := 0
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, h.srv.URL()+"GetUsers", strings.NewReader("application_id=10"))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tc.header != "" {
				req.Header.Set("Authorization", tc.header)
			}
			resp, err := testClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("HTTP %d, want 200 (auth errors come in the envelope)", resp.StatusCode)
			}
			var body [4096]byte
			n, _ := readFull(resp, body[:])
			m := decode(t, body[:n])
			if got := errorCode(t, m); got != tc.want {
				t.Fatalf("code %d, want %d (%s)", got, tc.want, body[:n])
			}
			if tc.want != 0 {
				errs, ok := m["errors"].([]any)
				if !ok || len(errs) != 1 || int(errs[0].(map[string]any)["code"].(float64)) != tc.want {
					t.Errorf("errors array missing or wrong: %s", body[:n])
				}
			} else if _, ok := m["result"]; !ok {
				t.Errorf("no result on success: %s", body[:n])
			}
		})
		if tc.want != 0 {
			failures++
		}
	}
	if got := h.srv.Stats().AuthFailures; got != failures {
		t.Errorf("Stats.AuthFailures = %d, want %d", got, failures)
	}
}

func readFull(resp *http.Response, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := resp.Body.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// TestAuthClockSkew checks iat and exp are judged by the server's clock,
// not the caller's, so skew tests can move it.
func TestAuthClockSkew(t *testing.T) {
	var offset atomic.Int64
	h := newHarness(t, func(c *Config) {
		c.Now = func() time.Time { return fixedNow.Add(time.Duration(offset.Load())) }
		c.MaxSkew = 30 * time.Second
	})
	tok := sign(t, jwt.SigningMethodRS256, h.creds.PrivateKey, h.creds.KeyID,
		jwt.MapClaims{"iss": testAccountID, "iat": fixedNow.Unix() + 20, "exp": fixedNow.Unix() + 600})
	_, body, err := h.post(context.Background(), "GetUsers", vals("application_id", "10"), tok)
	if err != nil {
		t.Fatal(err)
	}
	if code := errorCode(t, decode(t, body)); code != 0 {
		t.Fatalf("iat 20 s ahead with MaxSkew 30 s: code %d", code)
	}
	offset.Store(int64(-time.Minute))
	_, body, err = h.post(context.Background(), "GetUsers", vals("application_id", "10"), tok)
	if err != nil {
		t.Fatal(err)
	}
	if code := errorCode(t, decode(t, body)); code != CodeTokenFromFuture {
		t.Fatalf("server clock behind by a minute: code %d, want 455", code)
	}
}

func TestAuthWithoutCredentials(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Credentials = nil })
	m := h.call("GetUsers", vals("application_id", "10"))
	if code := errorCode(t, m); code != CodeAuthFailed {
		t.Fatalf("code %d, want 100", code)
	}
}

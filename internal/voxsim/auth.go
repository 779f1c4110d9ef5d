package voxsim

import (
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// maxTokenTTL is the longest lifetime (exp - iat) the API accepts.
const maxTokenTTL = 3600 * time.Second

// authenticate checks a bearer token the way the service does, in an order
// that gives each defect its own code: format (447), kid (433), signature
// and issuer (100), lifetime (454), issued in the future (455), expired
// (456).
func (s *Server) authenticate(raw string) *apiError {
	if raw == "" {
		return errorf(CodeAuthFailed, "Authorization failed: no bearer token")
	}
	creds := s.cfg.Credentials
	if creds == nil || creds.PrivateKey == nil {
		return errorf(CodeAuthFailed, "Authorization failed: the account has no service-account key")
	}

	parser := jwt.NewParser(jwt.WithJSONNumber(), jwt.WithoutClaimsValidation())
	unverified, _, err := parser.ParseUnverified(raw, jwt.MapClaims{})
	if err != nil {
		return errorf(CodeInvalidTokenFormat, "Invalid token format")
	}
	if alg, _ := unverified.Header["alg"].(string); alg != jwt.SigningMethodRS256.Alg() {
		return errorf(CodeInvalidTokenFormat, "Invalid token format: algorithm %q is not RS256", alg)
	}
	if kid, _ := unverified.Header["kid"].(string); kid != creds.KeyID {
		return errorf(CodeInvalidKeyID, "Invalid key id")
	}

	claims := jwt.MapClaims{}
	verifier := jwt.NewParser(jwt.WithJSONNumber(), jwt.WithoutClaimsValidation(),
		jwt.WithValidMethods([]string{jwt.SigningMethodRS256.Alg()}))
	_, err = verifier.ParseWithClaims(raw, claims, func(*jwt.Token) (any, error) {
		return &creds.PrivateKey.PublicKey, nil
	})
	if err != nil {
		if errors.Is(err, jwt.ErrTokenMalformed) {
			return errorf(CodeInvalidTokenFormat, "Invalid token format")
		}
		return errorf(CodeAuthFailed, "Authorization failed: bad signature")
	}

	if !s.issuerAllowed(claims["iss"]) {
		return errorf(CodeAuthFailed, "Authorization failed: iss is not a permitted account id")
	}
	iat, okIat := unixClaim(claims["iat"])
	exp, okExp := unixClaim(claims["exp"])
	if !okIat || !okExp {
		return errorf(CodeInvalidTokenFormat, "Invalid token format: iat and exp must be numbers")
	}
	if exp.Sub(iat) > maxTokenTTL {
		return errorf(CodeTokenTTLTooLong, "The token TTL is over the limit of %d seconds", int(maxTokenTTL.Seconds()))
	}
	now := s.now()
	if iat.After(now.Add(s.cfg.MaxSkew)) {
		return errorf(CodeTokenFromFuture, "The token is issued in the future")
	}
	if !exp.After(now) {
		return errorf(CodeTokenExpired, "The token has expired")
	}
	return nil
}

// issuerAllowed requires iss to be a JSON number (a string, even of digits,
// is rejected: the notes insist on a number) naming the key's account or a
// child account.
func (s *Server) issuerAllowed(v any) bool {
	n, ok := v.(json.Number)
	if !ok {
		return false
	}
	id, err := n.Int64()
	if err != nil {
		return false
	}
	return id == s.cfg.Credentials.AccountID || slices.Contains(s.cfg.ExtraAccounts, id)
}

// unixClaim reads a NumericDate claim; fractional seconds are allowed by
// RFC 7519 and truncated here.
func unixClaim(v any) (time.Time, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return time.Time{}, false
	}
	f, err := n.Float64()
	if err != nil {
		return time.Time{}, false
	}
	return time.Unix(int64(f), 0), true
}

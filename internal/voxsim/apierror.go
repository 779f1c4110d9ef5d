package voxsim

import "fmt"

// Error codes the real Management API uses (API-NOTES.md), exported so tests
// can inject them by name.
const (
	CodeFatal                = 1
	CodeInternal             = 2
	CodeDatabase             = 4
	CodeAuthFailed           = 100
	CodeInvalidArgument      = 101
	CodeUnknownMethod        = 103
	CodeForbidden            = 104
	CodeInvalidAccountID     = 115
	CodeInvalidApplicationID = 116
	CodeInvalidUserID        = 117
	CodeInvalidDateFormat    = 111
	CodeInvalidDateRange     = 123
	CodeRequiredParamEmpty   = 134
	CodeTryLater             = 162
	CodeInvalidQueueID       = 218
	CodeInvalidACDStatus     = 227
	CodeInvalidReport        = 229
	CodeConcurrencyLimit     = 314
	CodeRateLimit            = 340
	CodeRepeatLater          = 416
	CodeInvalidKeyID         = 433
	CodeInvalidTokenFormat   = 447
	CodeTokenTTLTooLong      = 454
	CodeTokenFromFuture      = 455
	CodeTokenExpired         = 456
	CodeOnlyOneParam         = 458
	CodeProbableResend       = 484
	CodeDateRangeLimit       = 569
)

// apiError is an error the simulated service reports in its envelope.
type apiError struct {
	Code int
	Msg  string
}

func (e *apiError) Error() string { return fmt.Sprintf("voxsim: API error %d: %s", e.Code, e.Msg) }

func errorf(code int, format string, args ...any) *apiError {
	return &apiError{Code: code, Msg: fmt.Sprintf(format, args...)}
}

type errorBody struct {
	Code int    `json:"code"`
	Msg  string `json:"msg"`
}

// errorEnvelope is the body the API sends for an error, with HTTP 200. The
// service sometimes adds an "errors" array; the simulator's own errors
// always carry it, injected Fault codes never do, so clients meet both.
type errorEnvelope struct {
	Error  errorBody   `json:"error"`
	Errors []errorBody `json:"errors,omitempty"`
}

func (e *apiError) envelope(withArray bool) []byte {
	env := errorEnvelope{Error: errorBody{Code: e.Code, Msg: e.Msg}}
	if withArray {
		env.Errors = []errorBody{env.Error}
	}
	return mustJSON(env)
}

package voxapi

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Error codes of the Management API that the client treats specially. The
// full table, with what a client does for each, is in API-NOTES.md.
const (
	CodeFatal              = 1
	CodeInternal           = 2
	CodeDatabase           = 4
	CodeAuthFailed         = 100
	CodeInvalidArguments   = 101
	CodeForbidden          = 104
	CodeInvalidAccount     = 115
	CodeInvalidApplication = 116
	CodeInvalidUser        = 117
	CodeRequiredEmpty      = 134
	CodeTryLater           = 162
	CodeInvalidACDStatus   = 227
	CodeConcurrentLimit    = 314
	CodeRateLimit          = 340
	CodeRepeatAfter        = 416
	CodeInvalidKeyID       = 433
	CodeInvalidTokenFormat = 447
	CodeTokenTTLTooLong    = 454
	CodeTokenFromFuture    = 455
	CodeTokenExpired       = 456
	CodeOnlyOneParameter   = 458
	CodeProbableResend     = 484
)

// APIError is a failed Management API call: either the API's error envelope
// ({"error":{"code":N,"msg":"..."}}, usually with HTTP 200) or a non-2xx HTTP
// status. Code is 0 when the server gave no API code.
type APIError struct {
	Method     string
	HTTPStatus int
	Code       int
	Message    string
	// RetryAfter is the wait the server asked for (Retry-After header, or the
	// seconds of code 416), zero when it asked for none.
	RetryAfter time.Duration
}

func (e *APIError) Error() string {
	var s string
	if e.Code != 0 {
		s = fmt.Sprintf("voximplant %s: API error %d: %s", e.Method, e.Code, e.Message)
	} else {
		s = fmt.Sprintf("voximplant %s: HTTP %d %s", e.Method, e.HTTPStatus, http.StatusText(e.HTTPStatus))
		if e.Message != "" {
			s += ": " + e.Message
		}
	}
	if hint := e.Hint(); hint != "" {
		s += " (" + hint + ")"
	}
	return s
}

// Retryable reports whether the same request may succeed if sent again after
// a back-off. Authentication codes are not retryable here: the client handles
// them by minting a new token and retrying exactly once.
func (e *APIError) Retryable() bool {
	if e.Code != 0 {
		switch e.Code {
		case CodeFatal, CodeInternal, CodeDatabase, CodeTryLater, CodeConcurrentLimit,
			CodeRateLimit, CodeRepeatAfter, CodeProbableResend:
			return true
		}
		return false
	}
	switch e.HTTPStatus {
	case http.StatusTooManyRequests, http.StatusRequestTimeout,
		http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// IsAuth reports whether the error is one that a fresh token may cure.
func (e *APIError) IsAuth() bool {
	switch e.Code {
	case CodeAuthFailed, CodeTokenFromFuture, CodeTokenExpired:
		return true
	}
	return false
}

// Hint says what an operator of the exporter should do about the error.
func (e *APIError) Hint() string {
	switch e.Code {
	case CodeAuthFailed:
		return "authorization failed: check that the service-account key is current and not deleted"
	case CodeForbidden:
		return forbiddenHint(e.Method)
	case CodeInvalidArguments:
		return "invalid arguments: check the configured application and flags"
	case CodeInvalidAccount:
		return "invalid account id: check --voximplant.account-id or the credentials file"
	case CodeInvalidApplication:
		return "invalid application id: check --voximplant.application-id"
	case CodeInvalidUser:
		return "invalid user id"
	case CodeRequiredEmpty:
		return "a required parameter is empty: configure an application id or name"
	case CodeInvalidACDStatus:
		return "invalid acd_status value"
	case CodeInvalidKeyID:
		return "the key id is not known: the service-account key was deleted or the credentials file is stale"
	case CodeInvalidTokenFormat:
		return "the API rejected the token format"
	case CodeTokenTTLTooLong:
		return "token lifetime over the one-hour limit"
	case CodeTokenFromFuture:
		return "token issued in the future: the local clock is ahead of Voximplant's, check NTP"
	case CodeTokenExpired:
		return "token expired: check the local clock"
	case CodeOnlyOneParameter:
		return "only one of application id and application name may be given"
	case CodeConcurrentLimit, CodeRateLimit, CodeRepeatAfter, CodeProbableResend, CodeTryLater:
		return "the API is throttling: lower --voximplant.page-concurrency or scrape less often, or raise --voximplant.cache-ttl"
	}
	if h := statsHint(e.Code); h != "" {
		return h
	}
	if e.Code == 0 && e.HTTPStatus == http.StatusTooManyRequests {
		return "the API is throttling: lower --voximplant.page-concurrency or scrape less often, or raise --voximplant.cache-ttl"
	}
	return ""
}

// forbiddenHint names the roles that may call method, where the notes say.
func forbiddenHint(method string) string {
	switch method {
	case "GetACDState":
		return "the service account lacks a role for GetACDState: give it Developer (or Admin, Owner), or turn --collector.acd-state off"
	case "GetACDQueueStatistics":
		return "the service account lacks a role for GetACDQueueStatistics: give it Supervisor (or User manager, Developer, Admin, Owner), or turn --collector.queue-stats off"
	case "GetSQState", "GetSmartQueueRealtimeMetrics":
		return "the service account lacks a role for " + method + ": Voximplant does not document which roles may call it; try Developer or Admin, or turn --collector.smartqueue off"
	case "GetAccountInfo":
		return "the service account lacks a role for GetAccountInfo: Voximplant does not document which roles may call it; try Supervisor or Admin, or turn --collector.account off"
	case "GetChildrenAccounts":
		return "only the Owner role may call GetChildrenAccounts: give the parent's service account Owner, or list the child account ids under the auth module's children in --config.file"
	case "GetQueues":
		return "the service account lacks a role for GetQueues: queues are then filed by their operators' bindings"
	}
	return "the service account lacks a role for this method: give it the Supervisor role (GetUsers) or Developer (GetACDState)"
}

// ErrorCode returns the API error code carried by err, or 0.
func ErrorCode(err error) int {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Code
	}
	return 0
}

// Outcome classifies one HTTP request to the API, for metrics.
type Outcome string

// Outcomes of a request: label values of voximplant_api_requests_total.
const (
	OutcomeSuccess      Outcome = "success"
	OutcomeAPIError     Outcome = "api_error"
	OutcomeHTTPError    Outcome = "http_error"
	OutcomeNetworkError Outcome = "network_error"
)

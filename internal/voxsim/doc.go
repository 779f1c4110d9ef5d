// Package voxsim is a simulated Voximplant Management API.
//
// It exists so that every test, benchmark and the exporter's --demo mode talk
// to one faithful peer instead of each mocking the API in its own way. It
// follows Voximplant's published Management API reference and the API notes
// the project was written from (API-NOTES.md, which the code cites but this
// repository does not hold): JWT
// verification with the real error codes, GetUsers with every documented
// parameter, GetQueues (with sl_thresholds, skill filters, skills and
// operatorcount), GetACDState (its result an object, with the API's
// after_service_operator_count spelling), GetACDQueueStatistics (computed
// from the simulated calls' history, abbreviated or full keys, by window,
// day, hour or hour of day), role-restricted service accounts (104), and
// the error envelope the service really sends.
//
// Requests come in every form the official clients use: POST
// .../platform_api/<Method>, or POST .../platform_api with the method in a
// cmd field; parameters in the query string, an urlencoded or a multipart
// body (the body wins over the query). An unknown or missing method is the
// envelope with code 103, HTTP 200.
//
// voxsim deliberately does not import the client package voxapi nor share its
// types. Its JSON is built from its own types, so a wrong field name or type
// in the client fails a test instead of being mirrored here.
//
// A Server is an http.Handler; Start runs one on a loopback listener, like
// httptest. Tests steer it with Inject (faults), SetAccount/UpdateUsers/
// SetCalls (state), and read back what it served with Stats and Requests.
// Generate and Evolve build and animate a realistic contact centre for demos
// and benchmarks: operators change status, and callers arrive in the queues,
// wait, ring READY operators, are served or hang up, so that GetUsers and
// GetACDState always tell one story; every call that leaves the waiting line
// (answered, abandoned or rejected) joins Account.History, bounded to the
// last 24 hours, which GetACDQueueStatistics summarises. A generated
// centre's busiest queue has a busy period (five times its demand for six
// minutes, starting one to two minutes after the snapshot), so the demo
// shows callers piling up, the service level dipping below 0.8 and more
// operators needed than are READY within its first ten minutes.
//
// SmartQueue (ACD v2) lives apart, in Account.SmartQueue (smartqueue*.go):
// queues of an application, skills, agents (users of the account) with a
// status per channel (CALL, IM, or only one of them; the built-in statuses
// and the account's custom ones) and tasks. GetSQState reports the
// logged-in agents (some channel not OFFLINE) and the tasks, times in
// milliseconds; GetSmartQueueRealtimeMetrics aggregates the same tasks
// (their bounded history) and the agents' past statuses into the queue
// reports, in the units fixed, as an assumption, by the sqReports table.
// Evolve steps it too, from its own random stream: tasks arrive (Poisson,
// with busy periods), wait, are distributed to a READY agent with the
// skills, are processed, then the agent does after-service work, or the
// customer abandons; agents take breaks and custom statuses. Generate adds
// one SmartQueue application with GenConfig.SmartQueues.
package voxsim

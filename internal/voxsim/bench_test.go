package voxsim

import (
	"context"
	"testing"
	"time"
)

// BenchmarkGetUsersPage measures one authenticated 100-record page of a
// 1000-operator account over loopback: the simulator's cost in client
// benchmarks.
func BenchmarkGetUsersPage(b *testing.B) {
	creds := NewTestCredentials(testAccountID)
	srv, err := Start(Config{
		Credentials: creds,
		Account:     Generate(GenConfig{Users: 1000, Apps: 1, Seed: 1, Now: fixedNow}),
		Now:         func() time.Time { return fixedNow },
	})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	h := &harness{srv: srv, creds: creds}
	if h.token, err = creds.MintToken(fixedNow, fixedNow.Add(50*time.Minute)); err != nil {
		b.Fatal(err)
	}
	app := srv.Account().Apps[0].ID
	params := vals("application_id", itoa(app), "count", "100", "offset", "400", "order_by", "user_id", "with_skills", "true", "with_queues", "true")
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := h.post(context.Background(), "GetUsers", params, h.token); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEvolve(b *testing.B) {
	srv := NewServer(Config{Account: Generate(GenConfig{Users: 1000, Seed: 1, Now: fixedNow})})
	defer srv.Close()
	now := fixedNow
	for b.Loop() {
		now = now.Add(2 * time.Second)
		srv.Evolve(now)
	}
}

// BenchmarkGetACDState measures GetACDState for every queue of a
// 1000-operator account with calls.
func BenchmarkGetACDState(b *testing.B) {
	creds := NewTestCredentials(testAccountID)
	srv, err := Start(Config{
		Credentials: creds,
		Account:     Generate(GenConfig{Users: 1000, Apps: 2, Queues: 8, Seed: 1, Now: fixedNow}),
		Now:         func() time.Time { return fixedNow },
	})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	srv.Evolve(fixedNow.Add(10 * time.Minute))
	h := &harness{srv: srv, creds: creds}
	if h.token, err = creds.MintToken(fixedNow, fixedNow.Add(50*time.Minute)); err != nil {
		b.Fatal(err)
	}
	params := vals("acd_queue_id", "all")
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := h.post(context.Background(), "GetACDState", params, h.token); err != nil {
			b.Fatal(err)
		}
	}
}

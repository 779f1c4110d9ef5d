package voxsim

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// A Family is a parent account and its child accounts behind one URL, as
// a reseller's Voximplant looks: each account has its own users, queues
// and balance (a Server each), and the parent's key acts on a child by
// putting the child's id in the token's iss. A request goes to the server
// of the account its token names; a token naming an account that is
// neither the parent nor one of its children goes to the parent's server,
// which refuses it (code 100): the parent's key is good for its children
// only.
type Family struct {
	parent   *Server
	children map[int64]*Server
	order    []int64 // child ids as given

	httpSrv *http.Server
	served  chan struct{}
	url     string
}

// NewFamily builds a family without listening: the parent from cfg, each
// child from its Account (ID required, distinct, not the parent's), served
// with the parent's key, limits and latency. Use it as an http.Handler, or
// StartFamily.
func NewFamily(cfg Config, children []Account) (*Family, error) {
	if cfg.Credentials == nil {
		return nil, fmt.Errorf("voxsim: a family needs the parent's credentials")
	}
	f := &Family{children: map[int64]*Server{}}
	for i, a := range children {
		switch {
		case a.ID <= 0:
			return nil, fmt.Errorf("voxsim: child account %d has no id", i)
		case a.ID == cfg.Credentials.AccountID || f.children[a.ID] != nil:
			return nil, fmt.Errorf("voxsim: child account id %d given twice", a.ID)
		}
		cc := cfg
		cc.Account = a
		cc.ExtraAccounts = []int64{a.ID}
		cc.Seed = cfg.Seed + int64(i) + 1
		cc.Children = nil
		f.children[a.ID] = NewServer(cc)
		f.order = append(f.order, a.ID)
	}
	cfg.Children = f.childInfos
	f.parent = NewServer(cfg)
	return f, nil
}

// StartFamily serves a new family on 127.0.0.1 with an ephemeral port.
// Close it when done.
func StartFamily(cfg Config, children []Account) (*Family, error) {
	f, err := NewFamily(cfg, children)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("voxsim: listen on loopback: %w", err)
	}
	f.httpSrv = &http.Server{Handler: f, ReadHeaderTimeout: 10 * time.Second}
	f.served = make(chan struct{})
	f.url = "http://" + ln.Addr().String() + "/platform_api/"
	go func() {
		defer close(f.served)
		_ = f.httpSrv.Serve(ln)
	}()
	return f, nil
}

// URL is the base URL every account of the family is reached at.
func (f *Family) URL() string { return f.url }

// Parent is the parent account's server.
func (f *Family) Parent() *Server { return f.parent }

// Child is the server of the child account id, or nil.
func (f *Family) Child(id int64) *Server { return f.children[id] }

// ChildIDs are the child account ids, in the order given.
func (f *Family) ChildIDs() []int64 { return slices.Clone(f.order) }

// Evolve evolves every account of the family to now.
func (f *Family) Evolve(now time.Time) {
	f.parent.Evolve(now)
	for _, id := range f.order {
		f.children[id].Evolve(now)
	}
}

// RunEvolution evolves every account every interval until ctx ends; it
// blocks.
func (f *Family) RunEvolution(ctx context.Context, every time.Duration) {
	for _, id := range f.order {
		go f.children[id].RunEvolution(ctx, every)
	}
	f.parent.RunEvolution(ctx, every)
}

// Close stops the listener and every account's server.
func (f *Family) Close() {
	if f.httpSrv != nil {
		_ = f.httpSrv.Close()
		<-f.served
		f.httpSrv = nil
	}
	f.parent.Close()
	for _, id := range f.order {
		f.children[id].Close()
	}
}

// ServeHTTP hands the request to the server of the account its token
// names; that server verifies the token.
func (f *Family) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if c := f.children[issuer(r)]; c != nil {
		c.ServeHTTP(w, r)
		return
	}
	f.parent.ServeHTTP(w, r)
}

// childInfos is GetChildrenAccounts' view of the children, each read under
// its own server's lock.
func (f *Family) childInfos() []ChildAccount {
	out := make([]ChildAccount, 0, len(f.order))
	for _, id := range f.order {
		out = append(out, ChildAccount{ID: id, Info: f.children[id].AccountInfo()})
	}
	return out
}

// issuer is the unverified iss of the request's bearer token, or 0.
func issuer(r *http.Request) int64 {
	raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return 0
	}
	claims := jwt.MapClaims{}
	if _, _, err := jwt.NewParser(jwt.WithJSONNumber()).ParseUnverified(strings.TrimSpace(raw), claims); err != nil {
		return 0
	}
	n, ok := claims["iss"].(json.Number)
	if !ok {
		return 0
	}
	id, err := n.Int64()
	if err != nil {
		return 0
	}
	return id
}

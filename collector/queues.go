package collector

import (
	"cmp"
	"slices"
	"strings"

	"github.com/voximplant-exporter/voximplant_exporter/voxapi"
)

// queueRef is one ACD queue under a watched application that owns it
// (GetQueues lists it for the application) or serves it (an operator the
// application's GetUsers returned is bound to it).
type queueRef struct {
	App  string
	ID   int64
	Name string
	Info *voxapi.QueueInfo // its GetQueues settings; nil when no watched application's directory lists it
}

// watchedQueues lists the ACD queues each watched application owns or
// serves, sorted by application and id. A queue bound to operators of two
// watched applications is listed under both; so is a queue owned by one
// and served by another. dir may be nil (the directory was not read): the
// bindings stand alone. users may be nil (the users were not read): the
// directory stands alone. Names come from the bindings (acd_queues) first,
// then from the directory.
func watchedQueues(watched []voxapi.AppSelector, dir Directory, users []AppUsers) []queueRef {
	type key struct {
		app string
		id  int64
	}
	info := map[int64]*voxapi.QueueInfo{}
	for _, qs := range dir {
		for i := range qs {
			if _, ok := info[qs[i].ACDQueueID]; !ok {
				info[qs[i].ACDQueueID] = &qs[i]
			}
		}
	}
	boundName := map[int64]string{}
	for _, au := range users {
		for i := range au.Users {
			for _, q := range au.Users[i].ACDQueues {
				if _, ok := boundName[q.ACDQueueID]; !ok {
					boundName[q.ACDQueueID] = q.ACDQueueName
				}
			}
		}
	}
	seen := map[key]bool{}
	var out []queueRef
	add := func(app string, id int64) {
		k := key{app, id}
		if seen[k] {
			return
		}
		seen[k] = true
		ref := queueRef{App: app, ID: id, Info: info[id]}
		if n, ok := boundName[id]; ok {
			ref.Name = n
		} else if ref.Info != nil {
			ref.Name = ref.Info.ACDQueueName
		}
		out = append(out, ref)
	}
	for _, app := range watched {
		qs := dir[app.String()]
		for i := range qs {
			add(app.String(), qs[i].ACDQueueID)
		}
	}
	for _, au := range users {
		for i := range au.Users {
			for _, q := range au.Users[i].ACDQueues {
				add(au.App.String(), q.ACDQueueID)
			}
		}
	}
	slices.SortFunc(out, func(a, b queueRef) int {
		if c := strings.Compare(a.App, b.App); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out
}

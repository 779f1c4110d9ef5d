package erlangc_test

import (
	"fmt"

	"github.com/voximplant-exporter/voximplant_exporter/internal/erlangc"
)

// 100 calls in half an hour, 3 minutes each, is 10 Erlangs. To answer 80%
// of them within 20 seconds takes 14 agents; 13 fall just short.
func ExampleRequiredAgents() {
	a := 100.0 * 180 / 1800
	n, err := erlangc.RequiredAgents(a, 180, 20, 0.80, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d agents: %.4f; %d agents: %.4f\n",
		n, erlangc.ServiceLevel(n, a, 180, 20), n-1, erlangc.ServiceLevel(n-1, a, 180, 20))
	// Output: 14 agents: 0.8884; 13 agents: 0.7956
}

package erlanga_test

import (
	"fmt"

	"github.com/voximplant-exporter/voximplant_exporter/internal/erlanga"
)

// 100 calls in half an hour, 3 minutes each, is 10 Erlangs; Erlang C needs
// 14 operators to answer 80% within 20 s. Callers who hang up after two
// minutes on average shorten the queue: fewer operators reach the target,
// while about 6% of the callers give up.
func ExampleRequired() {
	lambda, mu, theta := 100.0/1800, 1.0/180, 1.0/120
	n, err := erlanga.Required(lambda, mu, theta, 0.80, 20, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	q, err := erlanga.Solve(lambda, mu, theta, n)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d operators: %.4f answered within 20 s, %.4f abandoned\n", n, q.ServiceLevel(20), q.AbandonProbability())
	// Output: 12 operators: 0.8256 answered within 20 s, 0.0616 abandoned
}

package voxsim

// evolver holds the animation state of the account (see Evolve).
type evolver struct{}

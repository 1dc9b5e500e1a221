package resolvers

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/graph"
)

// Config is what the resolvers need.
type Config struct {
	// Store answers every question. Required.
	Store tracegraph.Store
	// Now is the clock of the events placeHold and releaseHold record
	// (default time.Now).
	Now func() time.Time
	// NewEventID returns a fresh event id for placeHold and releaseHold
	// (default: random hex after the given prefix).
	NewEventID func(prefix string) string
	// OnOutcomes, if set, is called with the outcomes of every batch of
	// events the mutations apply (for metrics).
	OnOutcomes func([]tracegraph.Outcome)
	// Logger receives internal errors (default slog.Default()).
	Logger *slog.Logger
	// BatchWait bounds how long a batch of loads waits for siblings that
	// never ask (default DefaultBatchWait); see the package documentation.
	BatchWait time.Duration
}

// Resolver is the root resolver: it implements graph.ResolverRoot.
type Resolver struct {
	cfg Config
	ld  *loading
	// subs counts the running subscription goroutines.
	subs sync.WaitGroup
}

// New returns the root resolver for cfg.
func New(cfg Config) *Resolver {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.NewEventID == nil {
		cfg.NewEventID = randomEventID
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.BatchWait <= 0 {
		cfg.BatchWait = DefaultBatchWait
	}
	return &Resolver{cfg: cfg, ld: &loading{store: cfg.Store, wait: cfg.BatchWait}}
}

func randomEventID(prefix string) string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

func (r *Resolver) store() tracegraph.Store { return r.cfg.Store }

// ExecutableSchema returns the executable GraphQL schema answered by r,
// with the complexity estimates the limits use.
func (r *Resolver) ExecutableSchema() graphql.ExecutableSchema {
	c := graph.Config{Resolvers: r}
	setComplexity(&c.Complexity)
	return graph.NewExecutableSchema(c)
}

// NewExecutableSchema returns the executable GraphQL schema answered by
// resolvers over cfg.
func NewExecutableSchema(cfg Config) graphql.ExecutableSchema { return New(cfg).ExecutableSchema() }

// Wait blocks until every subscription has ended. Subscriptions end when
// their context does: cancel the requests first (the server does so at
// shutdown), then Wait before closing the store.
func (r *Resolver) Wait() { r.subs.Wait() }

// Type resolvers: the generated interfaces are implemented by small types
// sharing the root.

// Query returns the Query resolver.
func (r *Resolver) Query() graph.QueryResolver { return &queryResolver{r} }

// Mutation returns the Mutation resolver.
func (r *Resolver) Mutation() graph.MutationResolver { return &mutationResolver{r} }

// Subscription returns the Subscription resolver.
func (r *Resolver) Subscription() graph.SubscriptionResolver { return &subscriptionResolver{r} }

// Box returns the Box resolver.
func (r *Resolver) Box() graph.BoxResolver { return &boxResolver{r} }

// Component returns the Component resolver.
func (r *Resolver) Component() graph.ComponentResolver { return &componentResolver{r} }

// Consumption returns the Consumption resolver.
func (r *Resolver) Consumption() graph.ConsumptionResolver { return &consumptionResolver{r} }

// ContainsLink returns the ContainsLink resolver.
func (r *Resolver) ContainsLink() graph.ContainsLinkResolver { return &containsLinkResolver{r} }

// Customer returns the Customer resolver.
func (r *Resolver) Customer() graph.CustomerResolver { return &customerResolver{r} }

// Edge returns the Edge resolver.
func (r *Resolver) Edge() graph.EdgeResolver { return &edgeResolver{r} }

// MaterialLot returns the MaterialLot resolver.
func (r *Resolver) MaterialLot() graph.MaterialLotResolver { return &materialLotResolver{r} }

// Pallet returns the Pallet resolver.
func (r *Resolver) Pallet() graph.PalletResolver { return &palletResolver{r} }

// ProcessStep returns the ProcessStep resolver.
func (r *Resolver) ProcessStep() graph.ProcessStepResolver { return &processStepResolver{r} }

// Product returns the Product resolver.
func (r *Resolver) Product() graph.ProductResolver { return &productResolver{r} }

// RecallReport returns the RecallReport resolver.
func (r *Resolver) RecallReport() graph.RecallReportResolver { return &recallReportResolver{r} }

// RecallUnitEdge returns the RecallUnitEdge resolver.
func (r *Resolver) RecallUnitEdge() graph.RecallUnitEdgeResolver { return &recallUnitEdgeResolver{r} }

// RollupEntry returns the RollupEntry resolver.
func (r *Resolver) RollupEntry() graph.RollupEntryResolver { return &rollupEntryResolver{r} }

// Shipment returns the Shipment resolver.
func (r *Resolver) Shipment() graph.ShipmentResolver { return &shipmentResolver{r} }

// TestRun returns the TestRun resolver.
func (r *Resolver) TestRun() graph.TestRunResolver { return &testRunResolver{r} }

// TraceNodeEdge returns the TraceNodeEdge resolver.
func (r *Resolver) TraceNodeEdge() graph.TraceNodeEdgeResolver { return &traceNodeEdgeResolver{r} }

// Unit returns the Unit resolver.
func (r *Resolver) Unit() graph.UnitResolver { return &unitResolver{r} }

// WaferBatch returns the WaferBatch resolver.
func (r *Resolver) WaferBatch() graph.WaferBatchResolver { return &waferBatchResolver{r} }

var _ graph.ResolverRoot = (*Resolver)(nil)

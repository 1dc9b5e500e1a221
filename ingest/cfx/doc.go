// Package cfx maps IPC-CFX messages (IPC-2591 Connected Factory Exchange:
// JSON envelopes that placement machines, testers, inspection and rework
// stations publish, usually over AMQP 1.0) onto tracegraph events, and
// applies them: each message all or nothing, a redelivered message a
// duplicate.
//
// The mapping (Mapper.Map) reads the envelope and, where CFX leaves
// something to context, the store (read only): the units of a work
// transaction (WorkStarted names them, UnitsProcessed and WorkCompleted
// only its TransactionID), and whether a material package is a known lot,
// a serialized component or a sub-assembly. It writes nothing; Ingester
// applies what it returns. Consumer takes messages from an AMQP 1.0 broker
// and settles each only once its events are durable.
//
// Which messages map onto which events, and how units, slots and ids are
// named, is in docs/cfx.md.
package cfx

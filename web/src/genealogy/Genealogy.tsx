import { Background, Controls, ReactFlow, type Edge, type Node } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useMemo, useState } from 'react';
import { gql } from '../api';
import { nodePath, navigate } from '../router';
import { ErrorBox, When, useLoad } from '../ui';
import { CanvasGraph } from './CanvasGraph';
import { layout, NODE_H, NODE_W, type Layout } from './layout';
import { changeTimes, fromTrace, kindColor, kindColors, linkStyle, structureAt, type GEdge, type GNode, type TraceNode } from './model';

// The genealogy picture of one node: upstream down to wafer batches,
// downstream up to box, pallet, shipment and customer, every link that ever
// existed (history), replayed at the instant of the as-of slider.

export const TRACE = `query Genealogy($id: ID!, $first: Int) {
  trace(from: [$id], direction: BOTH, edgeTypes: [CONTAINS, CONSUMED, DERIVED_FROM], history: true, first: $first) {
    truncated
    nodes {
      totalCount
      edges {
        node {
          __typename
          id
          ... on Unit { serial partNumber kind status onHold }
          ... on Component { serial partNumber manufacturer onHold }
          ... on MaterialLot { lot partNumber manufacturer supplier dateCode onHold }
          ... on WaferBatch { waferBatch manufacturer fab onHold }
          ... on Box { sscc onHold }
          ... on Pallet { sscc onHold }
          ... on Shipment { shipment destination customer { id customer } }
        }
      }
    }
    edges { type source { id } target { id } precision validFrom validTo refDes }
  }
}`;

/** The most nodes the picture asks for (a page of 4,000 stays within the service's default complexity limit). */
export const MAX_NODES = 4000;

interface TraceAnswer {
  trace: {
    truncated: boolean;
    nodes: { totalCount: number; edges: { node: TraceNode }[] };
    edges: Parameters<typeof fromTrace>[1];
  };
}

/** From this many nodes on, the genealogy is drawn on a canvas (CanvasGraph). */
export const CANVAS_FROM = 400;

function toFlow(root: string, nodes: GNode[], edges: GEdge[], l: Layout): { nodes: Node[]; edges: Edge[] } {
  const few = nodes.length <= 60; // reference designators as link labels only where they stay legible
  return {
    nodes: nodes.map((n) => ({
      id: n.id,
      position: l.positions.get(n.id)!,
      data: {
        label: (
          <div className="gnode">
            <b>{n.onHold ? '⛔ ' : ''}{n.title}</b>
            <span>{n.detail || n.typename}</span>
          </div>
        ),
      },
      className: `g-${n.typename}${n.onHold ? ' g-held' : ''}`,
      style: {
        width: NODE_W,
        height: NODE_H,
        padding: '4px 8px',
        background: kindColor(n.typename),
        border: n.onHold ? '3px solid #c62828' : n.id === root ? '3px solid #1d2330' : '1px solid #0003',
        borderRadius: 6,
      },
      connectable: false,
    })),
    edges: edges.map((e, i) => ({
      id: `${i}:${e.source}>${e.target}`,
      source: e.type === 'SHIPPED_TO' ? e.target : e.source,
      target: e.type === 'SHIPPED_TO' ? e.source : e.target,
      style: linkStyle(e.precision, e.validTo !== null),
      className: `p-${e.precision}${e.validTo ? ' closed' : ''}`,
      label: few && e.refDes?.length ? e.refDes.join(',') : undefined,
      labelStyle: { fontSize: 9 },
    })),
  };
}

function Legend() {
  const line = (dash?: string, opacity = 1) => (
    <svg width="34" height="8"><line x1="0" y1="4" x2="34" y2="4" stroke="#334" strokeWidth="2" strokeDasharray={dash} opacity={opacity} /></svg>
  );
  return (
    <div className="legend">
      {Object.entries(kindColors).map(([k, c]) => (
        <span key={k}><span className="sw" style={{ background: c }} />{k}</span>
      ))}
      <span><span className="sw" style={{ background: '#fff', border: '3px solid #c62828' }} />held</span>
      <span>{line()}EXACT</span>
      <span>{line('6 4')}CANDIDATE</span>
      <span>{line('1 4')}ORDER</span>
      <span>{line(undefined, 0.25)}closed (removed, unpacked)</span>
    </div>
  );
}

/** The genealogy picture of the node id, with its as-of slider. */
export function Genealogy({ id }: { id: string }) {
  const { data, error, loading } = useLoad(() => gql<TraceAnswer>(TRACE, { id, first: MAX_NODES }), [id]);
  const full = useMemo(() => (data ? fromTrace(data.trace.nodes.edges.map((e) => e.node), data.trace.edges) : null), [data]);
  const times = useMemo(() => (full ? changeTimes(full.edges) : []), [full]);
  // The slider's position: times.length means "now, with history" (every link, closed ones faded).
  const [step, setStep] = useState<number | null>(null);
  const at = step === null || step >= times.length ? undefined : times[step];
  const shown = useMemo(() => (full ? structureAt(id, full.nodes, full.edges, at) : null), [full, id, at]);
  const placed = useMemo(() => (shown ? layout(shown.nodes, shown.edges) : null), [shown]);
  const big = !!shown && shown.nodes.length >= CANVAS_FROM;
  const flow = useMemo(() => (shown && placed && !big ? toFlow(id, shown.nodes, shown.edges, placed) : null), [shown, placed, big, id]);
  const open = useCallback((to: string) => navigate(nodePath(to)), []);

  return (
    <div className="card">
      <h2>
        Genealogy{' '}
        {data && (
          <span className="muted" data-testid="genealogy-count">
            {shown!.nodes.length} of {data.trace.nodes.totalCount} nodes{data.trace.truncated || data.trace.nodes.totalCount > MAX_NODES ? ' (cut: too large to draw whole)' : ''}
          </span>
        )}
      </h2>
      <ErrorBox error={error} />
      {loading && !data && <p className="muted">Tracing…</p>}
      {full && times.length > 1 && (
        <div className="slider">
          <span>As of</span>
          <input
            aria-label="As of"
            type="range"
            min={0}
            max={times.length}
            value={step ?? times.length}
            onChange={(e) => setStep(Number(e.target.value))}
          />
          <span data-testid="asof" style={{ minWidth: 210 }}>
            {at ? <When at={at} /> : 'now, with removed links faded'}
          </span>
        </div>
      )}
      <Legend />
      {big && shown && placed && (
        <div className="genealogy" data-testid="genealogy">
          <CanvasGraph root={id} nodes={shown.nodes} edges={shown.edges} layout={placed} onOpen={open} />
        </div>
      )}
      {flow && (
        <div className="genealogy" data-testid="genealogy">
          <ReactFlow
            nodes={flow.nodes}
            edges={flow.edges}
            fitView
            minZoom={0.02}
            nodesDraggable={false}
            nodesConnectable={false}
            onNodeClick={(_, n) => n.id !== id && navigate(nodePath(n.id))}
            proOptions={{ hideAttribution: true }}
          >
            <Background />
            <Controls showInteractive={false} />
          </ReactFlow>
        </div>
      )}
    </div>
  );
}

import { useEffect, useRef } from 'react';
import { NODE_H, NODE_W, type Layout } from './layout';
import { kindColor, linkStyle, type GEdge, type GNode } from './model';

// The drawing of large genealogies (thousands of nodes) on one canvas:
// React Flow keeps a DOM element per node and edge, which takes seconds from
// a thousand on; a canvas redraws them all in milliseconds. Drag pans, the
// wheel zooms, a click on a node opens it; labels appear when zoomed in.

interface View {
  x: number;
  y: number;
  k: number;
}

/** The node under the point (in drawing coordinates), if any. */
export function hit(nodes: GNode[], l: Layout, x: number, y: number): GNode | undefined {
  return nodes.find((n) => {
    const p = l.positions.get(n.id)!;
    return x >= p.x && x <= p.x + NODE_W && y >= p.y && y <= p.y + NODE_H;
  });
}

/** The genealogy drawn on a canvas. */
export function CanvasGraph({ root, nodes, edges, layout, onOpen }: { root: string; nodes: GNode[]; edges: GEdge[]; layout: Layout; onOpen: (id: string) => void }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const view = useRef<View>({ x: 0, y: 0, k: 1 });

  useEffect(() => {
    const c = canvas.current!;
    const ctx = c.getContext('2d')!;
    const draw = () => {
      const dpr = window.devicePixelRatio || 1;
      const w = c.clientWidth;
      const h = c.clientHeight;
      if (c.width !== w * dpr || c.height !== h * dpr) {
        c.width = w * dpr;
        c.height = h * dpr;
      }
      const { x, y, k } = view.current;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, w, h);
      ctx.setTransform(dpr * k, 0, 0, dpr * k, dpr * x, dpr * y);
      for (const e of edges) {
        const a = layout.positions.get(e.source);
        const b = layout.positions.get(e.target);
        if (!a || !b) continue;
        const s = linkStyle(e.precision, e.validTo !== null);
        ctx.globalAlpha = s.opacity;
        ctx.strokeStyle = s.stroke;
        ctx.lineWidth = s.strokeWidth / Math.max(k, 0.5);
        ctx.setLineDash(s.strokeDasharray ? s.strokeDasharray.split(' ').map(Number) : []);
        const [top, bottom] = a.y <= b.y ? [a, b] : [b, a];
        ctx.beginPath();
        ctx.moveTo(top.x + NODE_W / 2, top.y + NODE_H);
        ctx.lineTo(bottom.x + NODE_W / 2, bottom.y);
        ctx.stroke();
      }
      ctx.globalAlpha = 1;
      ctx.setLineDash([]);
      const labels = k > 0.45;
      ctx.font = '11px system-ui, sans-serif';
      for (const n of nodes) {
        const p = layout.positions.get(n.id)!;
        ctx.fillStyle = kindColor(n.typename);
        ctx.fillRect(p.x, p.y, NODE_W, NODE_H);
        ctx.lineWidth = n.onHold || n.id === root ? 3 : 1;
        ctx.strokeStyle = n.onHold ? '#c62828' : n.id === root ? '#1d2330' : 'rgba(0,0,0,0.25)';
        ctx.strokeRect(p.x, p.y, NODE_W, NODE_H);
        if (labels) {
          ctx.fillStyle = '#1d2330';
          ctx.fillText((n.onHold ? '⛔ ' : '') + n.title, p.x + 6, p.y + 16, NODE_W - 12);
          ctx.fillStyle = '#445';
          ctx.fillText(n.detail || n.typename, p.x + 6, p.y + 32, NODE_W - 12);
        }
      }
    };
    // Fit the drawing into the canvas.
    const w = c.clientWidth;
    const h = c.clientHeight;
    const k = Math.min(w / (layout.width + 40), h / (layout.height + 40), 1.5);
    view.current = { k, x: (w - layout.width * k) / 2, y: (h - layout.height * k) / 2 };
    draw();

    let drag: { x: number; y: number; moved: boolean } | null = null;
    const at = (ev: MouseEvent) => {
      const r = c.getBoundingClientRect();
      return { x: ev.clientX - r.left, y: ev.clientY - r.top };
    };
    const down = (ev: MouseEvent) => {
      drag = { ...at(ev), moved: false };
    };
    const move = (ev: MouseEvent) => {
      if (!drag) return;
      const p = at(ev);
      if (Math.abs(p.x - drag.x) + Math.abs(p.y - drag.y) > 2) drag.moved = true;
      view.current.x += p.x - drag.x;
      view.current.y += p.y - drag.y;
      drag.x = p.x;
      drag.y = p.y;
      draw();
    };
    const up = (ev: MouseEvent) => {
      if (drag && !drag.moved) {
        const p = at(ev);
        const v = view.current;
        const n = hit(nodes, layout, (p.x - v.x) / v.k, (p.y - v.y) / v.k);
        if (n && n.id !== root) onOpen(n.id);
      }
      drag = null;
    };
    const wheel = (ev: WheelEvent) => {
      ev.preventDefault();
      const p = at(ev);
      const v = view.current;
      const f = Math.exp(-ev.deltaY * 0.0015);
      const k2 = Math.min(4, Math.max(0.01, v.k * f));
      v.x = p.x - ((p.x - v.x) * k2) / v.k;
      v.y = p.y - ((p.y - v.y) * k2) / v.k;
      v.k = k2;
      draw();
    };
    c.addEventListener('mousedown', down);
    window.addEventListener('mousemove', move);
    window.addEventListener('mouseup', up);
    c.addEventListener('wheel', wheel, { passive: false });
    window.addEventListener('resize', draw);
    return () => {
      c.removeEventListener('mousedown', down);
      window.removeEventListener('mousemove', move);
      window.removeEventListener('mouseup', up);
      c.removeEventListener('wheel', wheel);
      window.removeEventListener('resize', draw);
    };
  }, [nodes, edges, layout, root, onOpen]);

  return <canvas ref={canvas} data-testid="genealogy-canvas" data-nodes={nodes.length} style={{ width: '100%', height: '100%', display: 'block', cursor: 'grab' }} />;
}

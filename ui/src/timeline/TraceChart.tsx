/**
 * The task timeline (Ray's Chrome trace) drawn on a canvas: a lane per worker, grouped by node, each
 * task a bar with its phases below it, failed tasks outlined. A canvas because a session can hold
 * hundreds of thousands of spans: only the lanes scrolled into view are drawn, spans narrower than a
 * pixel share one. Zoom with the buttons, + and − (or Ctrl+wheel), pan by dragging, ← and →; hover
 * for a span's details, click to select it.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { formatDuration } from '../lib/format';
import { offsetLabel, ticks, tOf, xOf, type Scale } from './axis';
import {
  firstVisible,
  longestOf,
  MIN_SPAN_US,
  pan,
  spanAt,
  zoom,
  type Lane,
  type Span,
  type Trace,
  type View,
} from './trace';
import { useWidth } from './useWidth';

const LABEL_W = 190;
const AXIS_H = 22;
const ROW_H = 15;
const PAD = 5;
const VIEW_H = 420;

const laneHeight = (l: Lane) => l.rows * ROW_H + PAD * 2;

/** Chrome's reserved colour names → the theme's colours (CSS custom properties). */
const COLOURS: Record<string, string> = {
  generic_work: '--trace-work',
  rail_load: '--trace-load',
  rail_animation: '--trace-run',
  rail_idle: '--trace-idle',
  rail_response: '--trace-response',
  cq_build_abandoned: '--trace-idle',
};

interface Hit {
  lane: Lane;
  span: Span;
  x: number;
  y: number;
}

function draw(
  canvas: HTMLCanvasElement,
  trace: Trace,
  view: View,
  scrollTop: number,
  width: number,
  height: number,
  failed: ReadonlySet<string>,
  selected: Span | null,
) {
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(height * dpr);
  const g = canvas.getContext('2d');
  if (g === null) return;
  g.scale(dpr, dpr);
  const css = getComputedStyle(canvas);
  const colour = (v: string) => css.getPropertyValue(v).trim() || '#888';
  const font = css.getPropertyValue('--sans') || 'sans-serif';
  g.clearRect(0, 0, width, height);
  const scale: Scale = { t0: view.t0, t1: view.t1, x0: LABEL_W, x1: width - 8 };
  // Round steps after the trace's start, as the labels count from it.
  const axis = ticks({ ...scale, t0: view.t0 - trace.t0, t1: view.t1 - trace.t0 }, 100);

  // Lanes below the axis, those in view only.
  let y = AXIS_H - scrollTop;
  let lastProcess = '';
  g.font = `11px ${font}`;
  for (const lane of trace.lanes) {
    const h = laneHeight(lane);
    if (y + h >= AXIS_H && y <= height) {
      g.fillStyle = colour('--muted');
      if (lane.process !== lastProcess) {
        g.fillStyle = colour('--fg');
        g.fillText(lane.process, 6, y + 12);
        g.strokeStyle = colour('--line');
        g.beginPath();
        g.moveTo(0, y + 0.5);
        g.lineTo(width, y + 0.5);
        g.stroke();
      }
      g.fillStyle = colour('--muted');
      g.fillText(lane.thread.length > 22 ? `${lane.thread.slice(0, 21)}…` : lane.thread, 16, y + h - 6);
      drawLane(g, lane, scale, y, colour, failed, selected);
    }
    lastProcess = lane.process;
    y += h;
  }

  // The axis on top, with its grid.
  g.fillStyle = colour('--bg');
  g.fillRect(0, 0, width, AXIS_H);
  g.strokeStyle = colour('--line');
  g.fillStyle = colour('--muted');
  g.textAlign = 'center';
  for (const after of axis.at) {
    const x = Math.round(xOf(scale, trace.t0 + after)) + 0.5;
    g.beginPath();
    g.moveTo(x, AXIS_H - 4);
    g.lineTo(x, height);
    g.globalAlpha = 0.5;
    g.stroke();
    g.globalAlpha = 1;
    g.fillText(offsetLabel(after / 1000, axis.step / 1000), x, 13);
  }
  g.textAlign = 'start';
}

function drawLane(
  g: CanvasRenderingContext2D,
  lane: Lane,
  scale: Scale,
  top: number,
  colour: (v: string) => string,
  failed: ReadonlySet<string>,
  selected: Span | null,
) {
  g.save();
  g.beginPath();
  g.rect(LABEL_W, top, scale.x1 - LABEL_W + 8, laneHeight(lane));
  g.clip();
  const lastX: number[] = [];
  const start = firstVisible(lane.spans, scale.t0, longestOf(lane));
  for (let i = start; i < lane.spans.length; i++) {
    const s = lane.spans[i]!;
    if (s.ts > scale.t1) break;
    if (s.end < scale.t0) continue;
    const x0 = xOf(scale, s.ts);
    const x1 = xOf(scale, s.end);
    const y = top + PAD + s.depth * ROW_H;
    // Spans under a pixel wide share one: draw the first, skip the rest there.
    if (x1 - x0 < 1 && Math.floor(x0) === lastX[s.depth]) continue;
    lastX[s.depth] = Math.floor(x0);
    const w = Math.max(1, x1 - x0);
    g.fillStyle = colour(COLOURS[s.cname] ?? '--trace-work');
    g.fillRect(x0, y, w, ROW_H - 2);
    const bad = s.taskId !== null && failed.has(s.taskId) && s.depth === 0;
    if (bad || s === selected) {
      g.strokeStyle = colour(s === selected ? '--fg' : '--error');
      g.lineWidth = 2;
      g.strokeRect(x0 + 1, y + 1, Math.max(1, w - 2), ROW_H - 4);
      g.lineWidth = 1;
    }
    if (w > 40) {
      g.fillStyle = colour('--trace-text');
      g.fillText(
        s.name.length * 6 > w - 6 ? `${s.name.slice(0, Math.max(1, Math.floor((w - 12) / 6)))}…` : s.name,
        x0 + 3,
        y + ROW_H - 5,
        w - 6,
      );
    }
  }
  g.restore();
}

export function TraceChart(props: {
  trace: Trace;
  failed: ReadonlySet<string>;
  onSelect: (s: Span | null) => void;
  selected: Span | null;
}) {
  const { trace, failed } = props;
  const bounds: View = { t0: trace.t0, t1: Math.max(trace.t1, trace.t0 + MIN_SPAN_US) };
  const [view, setView] = useState<View>(bounds);
  const [scrollTop, setScrollTop] = useState(0);
  const [hover, setHover] = useState<Hit | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const drag = useRef<{ x: number; view: View; moved: boolean } | null>(null);
  const width = useWidth(box);
  const total = trace.lanes.reduce((n, l) => n + laneHeight(l), AXIS_H);
  const height = Math.min(total, VIEW_H);
  const scale: Scale = { t0: view.t0, t1: view.t1, x0: LABEL_W, x1: width - 8 };

  useEffect(() => setView(bounds), [trace]);
  useLayoutEffect(() => {
    if (canvas.current !== null)
      draw(canvas.current, trace, view, scrollTop, width, height, failed, props.selected);
  }, [trace, view, scrollTop, width, height, failed, props.selected]);

  const hitAt = (clientX: number, clientY: number): Hit | null => {
    const r = canvas.current?.getBoundingClientRect();
    if (r === undefined) return null;
    const x = clientX - r.left;
    const yIn = clientY - r.top;
    if (x < LABEL_W || yIn < AXIS_H) return null;
    let y = AXIS_H - scrollTop;
    for (const lane of trace.lanes) {
      const h = laneHeight(lane);
      if (yIn >= y && yIn < y + h) {
        const row = Math.floor((yIn - y - PAD) / ROW_H);
        const slack = (3 * (view.t1 - view.t0)) / (scale.x1 - scale.x0);
        const span = spanAt(lane, tOf(scale, x), row >= 0 && row < lane.rows ? row : null, slack);
        return span === null ? null : { lane, span, x, y: yIn };
      }
      y += h;
    }
    return null;
  };

  const zoomBy = (factor: number, at = (view.t0 + view.t1) / 2) => setView(zoom(view, factor, at, bounds));
  const onKey = (e: KeyboardEvent) => {
    const step = (view.t1 - view.t0) / 5;
    const act: Record<string, () => void> = {
      '+': () => zoomBy(0.5),
      '=': () => zoomBy(0.5),
      '-': () => zoomBy(2),
      '0': () => setView(bounds),
      ArrowLeft: () => setView(pan(view, -step, bounds)),
      ArrowRight: () => setView(pan(view, step, bounds)),
      Escape: () => props.onSelect(null),
    };
    const f = act[e.key];
    if (f === undefined || e.metaKey || e.ctrlKey || e.altKey) return;
    e.preventDefault();
    f();
  };

  return (
    <div class="trace" ref={box}>
      <div class="trace-bar" role="toolbar" aria-label="Task timeline">
        <button type="button" onClick={() => zoomBy(0.5)} title="Zoom in (+)">
          Zoom in
        </button>
        <button type="button" onClick={() => zoomBy(2)} title="Zoom out (−)">
          Zoom out
        </button>
        <button type="button" onClick={() => setView(bounds)} title="The whole timeline (0)">
          Fit
        </button>
        <span class="muted">
          {offsetLabel((view.t0 - trace.t0) / 1000, 1)} – {offsetLabel((view.t1 - trace.t0) / 1000, 1)} shown
          · drag to pan, Ctrl+wheel to zoom
        </span>
      </div>
      <div
        class="trace-scroll"
        style={{ height: `${height}px` }}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      >
        <canvas
          ref={canvas}
          class="trace-canvas"
          style={{ width: `${width}px`, height: `${height}px` }}
          tabIndex={0}
          role="img"
          aria-label={`Task timeline: ${trace.spans} spans on ${trace.lanes.length} workers over ${formatDuration((trace.t1 - trace.t0) / 1000)}. Keys: + and − zoom, arrows pan, 0 fits.`}
          onKeyDown={onKey}
          onWheel={(e) => {
            if (e.ctrlKey || e.metaKey) {
              e.preventDefault();
              const r = e.currentTarget.getBoundingClientRect();
              zoomBy(e.deltaY < 0 ? 0.8 : 1.25, tOf(scale, e.clientX - r.left));
            } else if (Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
              e.preventDefault();
              setView(pan(view, (e.deltaX / (scale.x1 - scale.x0)) * (view.t1 - view.t0), bounds));
            }
          }}
          onPointerDown={(e) => {
            drag.current = { x: e.clientX, view, moved: false };
            e.currentTarget.setPointerCapture(e.pointerId);
          }}
          onPointerMove={(e) => {
            const d = drag.current;
            if (d !== null && Math.abs(e.clientX - d.x) > 3) {
              d.moved = true;
              setHover(null);
              setView(
                pan(d.view, (-(e.clientX - d.x) / (scale.x1 - scale.x0)) * (d.view.t1 - d.view.t0), bounds),
              );
            } else if (d === null) setHover(hitAt(e.clientX, e.clientY));
          }}
          onPointerUp={(e) => {
            const d = drag.current;
            drag.current = null;
            if (d !== null && !d.moved) props.onSelect(hitAt(e.clientX, e.clientY)?.span ?? null);
          }}
          onPointerLeave={() => setHover(null)}
        />
        <div class="trace-spacer" style={{ height: `${Math.max(0, total - height)}px` }} />
      </div>
      {hover !== null && (
        <div
          class="trace-tip"
          style={{ left: `${Math.min(hover.x + 12, width - 260)}px`, top: `${hover.y + 40}px` }}
          role="tooltip"
        >
          <strong>{hover.span.name}</strong> {formatDuration((hover.span.end - hover.span.ts) / 1000)}
          {hover.span.func !== null && <div>{hover.span.func}</div>}
          {hover.span.taskId !== null && <div class="mono">{hover.span.taskId.slice(0, 16)}…</div>}
          {hover.span.taskId !== null && failed.has(hover.span.taskId) && (
            <div class="tone-text-bad">failed</div>
          )}
          <div class="muted">
            {hover.lane.process} · {hover.lane.thread.slice(0, 20)}
          </div>
        </div>
      )}
    </div>
  );
}

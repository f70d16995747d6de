/**
 * The session's state changes as a picture (SVG): a row per job, node and actor — a bar from start to
 * end, coloured by how it ended, a mark where it died — the number of task attempts running over time
 * with a mark at each failure, and Ray's event log as marks. Every bar and mark is a link (focusable,
 * its text in a tooltip and for screen readers).
 */
import { useRef, useState } from 'preact/hooks';
import { formatClock } from '../lib/format';
import { offsetLabel, ticks, xOf, type Scale } from './axis';
import type { Group, StateLane, Story } from './story';
import { useWidth } from './useWidth';

const LABEL_W = 190;
const ROW_H = 22;
const HEAD_H = 20;
const AXIS_H = 22;
const TASK_H = 44;
/** Rows shown per group before "Show all". */
export const ROWS_SHOWN = 12;

const GROUPS: { group: Group; label: string }[] = [
  { group: 'job', label: 'Jobs' },
  { group: 'node', label: 'Nodes' },
  { group: 'actor', label: 'Actors' },
  { group: 'task', label: 'Tasks' },
  { group: 'event', label: 'Events' },
];

type Row =
  { kind: 'head'; label: string; y: number } | { kind: 'lane'; lane: StateLane; y: number; h: number };

function layout(story: Story, open: Set<Group>): { rows: Row[]; height: number; hidden: Map<Group, number> } {
  const rows: Row[] = [];
  const hidden = new Map<Group, number>();
  let y = AXIS_H;
  for (const g of GROUPS) {
    const lanes = story.lanes.filter((l) => l.group === g.group);
    if (lanes.length === 0) continue;
    rows.push({ kind: 'head', label: g.label, y });
    y += HEAD_H;
    const shown = open.has(g.group) ? lanes : lanes.slice(0, ROWS_SHOWN);
    if (shown.length < lanes.length) hidden.set(g.group, lanes.length - shown.length);
    for (const lane of shown) {
      const h = lane.group === 'task' ? TASK_H : ROW_H;
      rows.push({ kind: 'lane', lane, y, h });
      y += h;
    }
  }
  return { rows, height: y + 4, hidden };
}

function Mark(props: { x: number; y: number; h: number; tone: string; title: string; href?: string }) {
  const { x, y, h } = props;
  const shape = (
    <g class={`mark tone-${props.tone}`}>
      <title>{props.title}</title>
      <line x1={x} x2={x} y1={y + 2} y2={y + h - 2} />
      <path d={`M${x} ${y + h / 2 - 5} l5 5 l-5 5 l-5 -5 z`} />
    </g>
  );
  return props.href === undefined ? (
    shape
  ) : (
    <a href={props.href} aria-label={props.title}>
      {shape}
    </a>
  );
}

function Lane(props: { row: Extract<Row, { kind: 'lane' }>; scale: Scale; story: Story; width: number }) {
  const { row, scale, story } = props;
  const { lane, y, h } = row;
  const label = (
    <text x={8} y={y + Math.min(h, ROW_H) / 2 + 4} class="lane-label">
      {lane.label.length > 26 ? `${lane.label.slice(0, 25)}…` : lane.label}
      <title>{lane.label}</title>
    </text>
  );
  let running = null;
  if (lane.group === 'task' && story.running.length > 0) {
    const most = story.running.reduce((m, [, n]) => Math.max(m, n), 1);
    const yOf = (n: number) => y + h - 3 - (n / most) * (h - 8);
    let d = `M${xOf(scale, story.running[0]![0])} ${yOf(0)}`;
    for (const [t, n] of story.running) d += ` H${xOf(scale, t)} V${yOf(n)}`;
    d += ` H${xOf(scale, story.t1 ?? story.running.at(-1)![0])} V${yOf(0)} Z`;
    running = (
      <g class="running">
        <title>{`Task attempts running (at most ${most} at once)`}</title>
        <path d={d} />
        <text x={scale.x1 - 4} y={y + 10} text-anchor="end" class="axis-label">
          {`≤ ${most} running`}
        </text>
      </g>
    );
  }
  const bars = lane.bars.map((b, i) => {
    const x = xOf(scale, b.from);
    const w = Math.max(2, xOf(scale, b.to) - x);
    return (
      <rect
        key={i}
        class={`bar tone-${b.tone}${b.open ? ' open' : ''}`}
        x={x}
        y={y + 5}
        width={w}
        height={ROW_H - 10}
        rx={2}
      >
        <title>{b.title + (b.open ? ' (no end recorded)' : '')}</title>
      </rect>
    );
  });
  return (
    <g class="lane">
      {lane.href === undefined ? (
        label
      ) : (
        <a href={lane.href} aria-label={lane.label}>
          {label}
        </a>
      )}
      <line class="lane-rule" x1={LABEL_W} x2={props.width} y1={y + h - 0.5} y2={y + h - 0.5} />
      {running}
      {bars}
      {lane.marks.map((m, i) => (
        <Mark
          key={i}
          x={xOf(scale, m.at)}
          y={y}
          h={Math.min(h, ROW_H)}
          tone={m.tone}
          title={m.title}
          {...(m.href !== undefined && { href: m.href })}
        />
      ))}
    </g>
  );
}

export function StateChart(props: { story: Story }) {
  const { story } = props;
  const box = useRef<HTMLDivElement>(null);
  const width = useWidth(box);
  const [open, setOpen] = useState<Set<Group>>(new Set());
  const { t0, t1 } = story;
  if (t0 === null || t1 === null) return null;
  const scale: Scale = { t0, t1: Math.max(t1, t0 + 1), x0: LABEL_W, x1: width - 12 };
  const { rows, height, hidden } = layout(story, open);
  // Round steps after the start (not round clock times), as the labels count from it.
  const axis = ticks({ ...scale, t0: 0, t1: scale.t1 - t0 }, 100);
  return (
    <div class="state-chart" ref={box}>
      <svg
        width={width}
        height={height}
        role="group"
        aria-label={`State changes from ${formatClock(new Date(t0).toISOString())} over ${offsetLabel(t1 - t0, 1)}`}
      >
        <g class="axis" aria-hidden="true">
          {axis.at.map((after) => (
            <g key={after}>
              <line
                x1={xOf(scale, t0 + after)}
                x2={xOf(scale, t0 + after)}
                y1={AXIS_H - 4}
                y2={height}
                class="grid-line"
              />
              <text x={xOf(scale, t0 + after)} y={12} text-anchor="middle" class="axis-label">
                {offsetLabel(after, axis.step)}
              </text>
            </g>
          ))}
        </g>
        {rows.map((r) =>
          r.kind === 'head' ? (
            <text key={`h-${r.label}`} x={4} y={r.y + 14} class="group-label">
              {r.label}
            </text>
          ) : (
            <Lane key={`${r.lane.group}-${r.lane.id}`} row={r} scale={scale} story={story} width={width} />
          ),
        )}
      </svg>
      {[...hidden].map(([g, n]) => (
        <button key={g} type="button" class="link" onClick={() => setOpen(new Set([...open, g]))}>
          Show {n} more {GROUPS.find((x) => x.group === g)?.label.toLowerCase()}
        </button>
      ))}
    </div>
  );
}

import { formatAgo, formatClock, formatTime } from '../lib/format';

/**
 * A time as "3 hours ago" (`relative`), to the millisecond (`precise`, for events within a session) or
 * to the minute; the exact local and UTC time on hover, machine-readable.
 */
export function Time(props: { iso: string | null; relative?: boolean; precise?: boolean }) {
  if (props.iso === null) return <span class="muted">–</span>;
  const text =
    props.relative === true
      ? formatAgo(props.iso)
      : props.precise === true
        ? formatClock(props.iso)
        : formatTime(props.iso);
  return (
    <time dateTime={props.iso} title={`${formatTime(props.iso)} (${props.iso})`}>
      {text}
    </time>
  );
}

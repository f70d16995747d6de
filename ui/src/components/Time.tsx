import { formatAgo, formatTime } from '../lib/format';

/** A time as "3 hours ago", the exact local and UTC time on hover, machine-readable. */
export function Time(props: { iso: string | null; relative?: boolean }) {
  if (props.iso === null) return <span class="muted">–</span>;
  const text = props.relative === true ? formatAgo(props.iso) : formatTime(props.iso);
  return (
    <time dateTime={props.iso} title={`${formatTime(props.iso)} (${props.iso})`}>
      {text}
    </time>
  );
}

/**
 * The session's log files as a tree: nodes, then their files and folders with sizes, each folder
 * listed when opened (one page of the files route at a time, "More" for the next).
 */
import { useState } from 'preact/hooks';
import type { FileEntry } from '../api/types';
import { api } from '../api/endpoints';
import { ErrorState } from '../components/states';
import { formatBytes } from '../lib/format';
import { hrefOf, type SessionParams } from '../lib/router';
import { useApi } from '../lib/useApi';

interface TreeProps {
  session: SessionParams;
  /** The open file, as `node/file`, to highlight and to open its folders. */
  selected?: { node: string; file?: string };
}

const baseName = (p: string) => p.replace(/\/$/, '').split('/').pop() ?? p;

/** `logs/<node>/<file>` → node and file. */
function logPath(path: string): { node: string; file: string } {
  const [, node = '', ...rest] = path.split('/');
  return { node, file: rest.join('/') };
}

function Folder(props: TreeProps & { prefix: string; depth: number }) {
  const [pages, setPages] = useState<string[]>(['']);
  return (
    <ul class="tree-level">
      {pages.map((cursor, i) => (
        <FolderPage
          key={cursor}
          {...props}
          cursor={cursor === '' ? undefined : cursor}
          onMore={i === pages.length - 1 ? (next) => setPages([...pages, next]) : undefined}
        />
      ))}
    </ul>
  );
}

function FolderPage(
  props: TreeProps & {
    prefix: string;
    depth: number;
    cursor?: string | undefined;
    onMore?: ((c: string) => void) | undefined;
  },
) {
  const { session, prefix, cursor } = props;
  const [state, retry] = useApi(
    (signal) => api.files(session, prefix, cursor, signal),
    [session.namespace, session.cluster, session.session, prefix, cursor],
  );
  if (state.status === 'loading') {
    return (
      <li class="tree-loading" aria-busy="true">
        <span class="bone" />
      </li>
    );
  }
  if (state.status === 'error') {
    return (
      <li>
        <ErrorState error={state.error} retry={retry} />
      </li>
    );
  }
  const { entries, nextCursor } = state.data;
  return (
    <>
      {entries.length === 0 && props.depth === 0 && <li class="muted">No log files in this session yet.</li>}
      {entries.map((e) => (
        <Entry key={e.path} {...props} entry={e} />
      ))}
      {nextCursor !== undefined && props.onMore !== undefined && (
        <li>
          <button type="button" class="link" onClick={() => props.onMore?.(nextCursor)}>
            More…
          </button>
        </li>
      )}
    </>
  );
}

function Entry(props: TreeProps & { entry: FileEntry; depth: number }) {
  const { entry, selected, session } = props;
  if (entry.type === 'file') {
    const { node, file } = logPath(entry.path);
    const current = selected?.node === node && selected.file === file;
    return (
      <li class="tree-file">
        <a
          href={hrefOf({ view: 'logs', ...session, node, file })}
          aria-current={current ? 'page' : undefined}
          title={entry.path.slice('logs/'.length)}
        >
          <span class="name">{baseName(entry.path)}</span>
          <span class="size">{formatBytes(entry.size)}</span>
        </a>
      </li>
    );
  }
  return <Dir {...props} entry={entry} />;
}

function Dir(props: TreeProps & { entry: FileEntry; depth: number }) {
  const { entry, selected } = props;
  const { node, file } = logPath(entry.path);
  const inside =
    selected !== undefined &&
    (props.depth === 0
      ? selected.node === node
      : selected.node === node && (selected.file ?? '').startsWith(file));
  const [open, setOpen] = useState(inside);
  return (
    <li class="tree-dir">
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
        <span class="chevron" aria-hidden="true" />
        {baseName(entry.path)}
      </button>
      {open && <Folder {...props} prefix={entry.path} depth={props.depth + 1} />}
    </li>
  );
}

/** The tree, from `logs/`. */
export function FileTree(props: TreeProps) {
  return (
    <nav class="tree" aria-label="Log files">
      <Folder {...props} prefix="logs/" depth={0} />
    </nav>
  );
}

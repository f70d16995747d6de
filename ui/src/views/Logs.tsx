/** A session's logs: the file tree beside the viewer of the open file. */
import { LogViewer } from '../log/LogViewer';
import type { SessionParams } from '../lib/router';
import { FileTree } from './FileTree';
import { SessionLayout } from './SessionLayout';

export function LogsView(props: SessionParams & { node?: string; file?: string }) {
  const { namespace, cluster, session, node, file } = props;
  const s = { namespace, cluster, session };
  return (
    <SessionLayout {...s} current="logs">
      <div class="logs">
        <FileTree
          session={s}
          {...(node !== undefined && { selected: { node, ...(file !== undefined && { file }) } })}
        />
        {node !== undefined && file !== undefined ? (
          <LogViewer key={`${node}/${file}`} {...s} node={node} file={file} />
        ) : (
          <div class="viewer viewer-empty">
            <p class="muted">
              Choose a file to read it. Files open at their end; scroll up for earlier lines.
            </p>
          </div>
        )}
      </div>
    </SessionLayout>
  );
}

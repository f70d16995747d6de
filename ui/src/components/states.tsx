/** What a view shows while it loads, when it has nothing, and when something failed. */
import type { ComponentChildren } from 'preact';
import { ApiError } from '../api/client';
import { hrefOf } from '../lib/router';

/** A titled message box (empty and error states). */
export function Notice(props: { title: string; tone?: 'info' | 'error'; children?: ComponentChildren }) {
  return (
    <div class={`notice ${props.tone ?? 'info'}`} role={props.tone === 'error' ? 'alert' : 'status'}>
      <p class="notice-title">{props.title}</p>
      {props.children}
    </div>
  );
}

function titleOf(err: ApiError): string {
  if (err.status === 0) return 'The app did not answer';
  if (err.status === 401) return 'A function key is needed';
  if (err.code === 'storage_unavailable') return 'Storage is unavailable';
  if (err.code === 'storage_throttled') return 'Storage is busy';
  if (err.code === 'storage_auth_failed') return 'The app cannot sign in to storage';
  if (err.status === 404) return 'Not found';
  return `The request failed (${err.status} ${err.code})`;
}

/** A failed load: what happened, in the API's words, and a way to try again. */
export function ErrorState(props: { error: unknown; retry?: () => void }) {
  const err =
    props.error instanceof ApiError
      ? props.error
      : new ApiError(-1, 'client', props.error instanceof Error ? props.error.message : String(props.error));
  return (
    <Notice title={titleOf(err)} tone="error">
      <p class="notice-detail">{err.message}</p>
      {err.status >= 500 || err.status === 0 || err.status === 429 ? (
        <p class="notice-hint">
          {err.status === 0 ? 'Check that the app is running. ' : 'This is usually temporary. '}
          {props.retry !== undefined && (
            <button type="button" onClick={props.retry}>
              Try again
            </button>
          )}
        </p>
      ) : null}
    </Notice>
  );
}

/** A page for something that does not exist, with a way back. */
export function NotFoundPage(props: {
  title: string;
  detail: string;
  back?: { href: string; label: string };
}) {
  const back = props.back ?? { href: hrefOf({ view: 'clusters' }), label: 'All clusters' };
  return (
    <section class="not-found" aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>
        {props.title}
      </h1>
      <p>{props.detail}</p>
      <p>
        <a href={back.href}>← {back.label}</a>
      </p>
    </section>
  );
}

/** True for an API 404 (the thing asked for does not exist). */
export const isNotFound = (err: unknown) => err instanceof ApiError && err.status === 404;

/** Placeholder rows of the table's own height, so nothing moves when the data arrives. */
export function SkeletonRows(props: { rows: number; cols: number }) {
  return (
    <>
      {Array.from({ length: props.rows }, (_, r) => (
        <tr key={r} class="skeleton" aria-hidden="true">
          {Array.from({ length: props.cols }, (_, c) => (
            <td key={c}>
              <span class="bone" />
            </td>
          ))}
        </tr>
      ))}
    </>
  );
}

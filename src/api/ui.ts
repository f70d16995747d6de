/** The history UI's routes: the site root and every `/ui/…` path (anonymous; the UI asks for a key when the API needs one). */
import { defineRoute } from '../http/route.js';
import { z } from '../schemas/zod.js';

const PAGE = {
  method: 'GET',
  head: true,
  auth: 'anonymous',
  tags: ['ui'],
  responses: {
    200: {
      description: 'the page (index.html, revalidated by ETag) or an asset (immutable, hashed name)',
      contentType: 'text/html',
    },
    304: { description: 'not modified' },
  },
  errors: [404, 503],
} as const;

export const uiRootRoute = defineRoute({
  ...PAGE,
  name: 'uiRoot',
  // The site root only (an optional parameter that must be empty): no catch-all at the root, so the
  // UI can never shadow an API route or upstream's root paths, whatever the function names sort to.
  path: '/{root:maxlength(0)?}',
  docPath: '/',
  summary: 'The history UI',
});

export const uiRoute = defineRoute({
  ...PAGE,
  name: 'ui',
  path: '/ui/{*path}',
  summary: "The history UI's views (index.html) and assets",
  params: z.object({
    path: z.string().optional().openapi({ description: 'a view path or an asset under assets/' }),
  }),
});

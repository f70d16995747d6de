/**
 * App set-up, loaded with the function files (package.json `main`): streams every HTTP body (responses
 * with back-pressure, which the library lacks), registers the deferred blob binding, and wires the
 * app's dependencies from the settings — a bad setting is logged once here and then answered by every
 * route as 503 naming it (src/app/register.ts), instead of stopping the app.
 */
import { app } from '@azure/functions';
import { wireApp } from './app/deps.js';
import { registerBlobReferenceFactory } from './bindings/blobReference.js';
import { watchProxyResponses } from './http/streamBody.js';

app.setup({ enableHttpStream: true });
// Streamed responses wait for their client (library issue #294); see src/http/streamBody.ts.
watchProxyResponses();
// The indexer's blob triggers use deferred bindings: the host passes a reference, never the content.
registerBlobReferenceFactory();
wireApp((err) => console.error(`ray-history: the app is misconfigured: ${err.message}`));

/**
 * App entry, loaded first (package.json `main`). Streams every HTTP body (responses with
 * back-pressure, which the library lacks), and checks the settings
 * at start-up so a missing or malformed one fails loudly, naming it, before any request arrives.
 */
import { app } from '@azure/functions';
import { registerBlobReferenceFactory } from './bindings/blobReference.js';
import { watchProxyResponses } from './http/streamBody.js';
import { config } from './storage/config.js';
import { checkTriggerConnection } from './storage/connection.js';

app.setup({ enableHttpStream: true });
// Streamed responses wait for their client (library issue #294); see src/http/streamBody.ts.
watchProxyResponses();
// The indexer's blob triggers use deferred bindings: the host passes a reference, never the content.
registerBlobReferenceFactory();
config();
checkTriggerConnection();

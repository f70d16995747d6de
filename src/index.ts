/**
 * App entry, loaded first (package.json `main`). Streams every HTTP body, and checks the settings
 * at start-up so a missing or malformed one fails loudly, naming it, before any request arrives.
 */
import { app } from '@azure/functions';
import { registerBlobReferenceFactory } from './bindings/blobReference.js';
import { config } from './storage/config.js';
import { checkTriggerConnection } from './storage/connection.js';

app.setup({ enableHttpStream: true });
// The indexer's blob triggers use deferred bindings: the host passes a reference, never the content.
registerBlobReferenceFactory();
config();
checkTriggerConnection();

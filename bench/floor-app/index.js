// The bench's control for ingest over HTTP (bench/scenarios/ingest.ts): bench/hop.ts's append handler
// as an @azure/functions app, run by the local host exactly as the project's app is (streaming mode).
// It does what the hop does and nothing else (no validation, no exactly-once rules), so its figure
// against the hop is what the host and the library cost any Functions app on this machine.
const { app } = require('@azure/functions');
const { BlobServiceClient } = require('@azure/storage-blob');

app.setup({ enableHttpStream: true });

const container = BlobServiceClient.fromConnectionString(
  process.env.AZURE_STORAGE_CONNECTION_STRING,
).getContainerClient(process.env.AZURE_STORAGE_CONTAINER);

app.http('append', {
  methods: ['PUT'],
  route: 'append/{*blob}',
  authLevel: 'anonymous',
  handler: async (request) => {
    const offset = Number(request.query.get('offset'));
    const body = Buffer.from(await request.arrayBuffer());
    const blob = container.getAppendBlobClient(request.params.blob);
    if (offset === 0) await blob.createIfNotExists();
    await blob.appendBlock(body, body.length, { conditions: { appendPosition: offset } });
    return { status: 200, jsonBody: { status: 'appended' } };
  },
});

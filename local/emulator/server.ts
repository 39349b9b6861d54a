import * as http from 'node:http';
import { randomUUID } from 'node:crypto';
import { handleControl } from './control-api';
import { VoiceIdError } from './errors';
import { errorHttpStatuses } from './model';
import type { VoiceIdService } from './service';

const JSON_1_0 = 'application/x-amz-json-1.0';
const MAX_API_BODY_BYTES = 1024 * 1024;
/** Control requests may carry a base64 WAV of up to 20 MB. */
const MAX_CONTROL_BODY_BYTES = 32 * 1024 * 1024;

/** Status of errors that are not in the Voice ID model, as awsJson services answer them. */
const PROTOCOL_STATUSES: Readonly<Record<string, number>> = {
  SerializationException: 400,
  UnknownOperationException: 400,
  MissingAuthenticationTokenException: 403,
};

class BodyTooLargeError extends Error {}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new BodyTooLargeError(`Request body exceeds ${limit} bytes`));
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendError(res: http.ServerResponse, requestId: string, err: VoiceIdError): void {
  const status = PROTOCOL_STATUSES[err.shape] ?? errorHttpStatuses().get(err.shape) ?? 400;
  send(
    res,
    status,
    { __type: err.shape, message: err.message, ...err.members },
    { 'Content-Type': JSON_1_0, 'x-amzn-RequestId': requestId, 'x-amzn-ErrorType': err.shape },
  );
}

/** SigV4 is not verified (credentials are dummies), but an unsigned request is refused as the service would. */
function looksSigned(req: http.IncomingMessage): boolean {
  const auth = req.headers.authorization;
  return typeof auth === 'string' && auth.startsWith('AWS4-HMAC-SHA256 ') && auth.includes('Credential=') && auth.includes('Signature=');
}

async function handleVoiceId(service: VoiceIdService, req: http.IncomingMessage, res: http.ServerResponse, requestId: string): Promise<void> {
  const body = await readBody(req, MAX_API_BODY_BYTES);
  const target = req.headers['x-amz-target'];
  const prefix = `${service.model.metadata.targetPrefix}.`;
  const operation = typeof target === 'string' && target.startsWith(prefix) ? target.slice(prefix.length) : '';
  if (!service.hasOperation(operation)) {
    throw new VoiceIdError('UnknownOperationException', typeof target === 'string' ? `Unknown operation ${target}` : 'Missing X-Amz-Target header');
  }
  if (!looksSigned(req)) throw new VoiceIdError('MissingAuthenticationTokenException', 'Missing Authentication Token');
  service.countRequest(operation);

  const plan = service.faults.plan(operation);
  if (plan.delayMs > 0) await new Promise((r) => setTimeout(r, plan.delayMs));
  if (plan.failure === 'DROP_CONNECTION') {
    req.socket.destroy();
    return;
  }
  if (plan.failure === 'THROTTLING') throw new VoiceIdError('ThrottlingException', 'Rate exceeded (injected fault)');
  if (plan.failure === 'INTERNAL_ERROR') throw new VoiceIdError('InternalServerException', 'Internal server error (injected fault)');
  if (!service.rateLimits.tryAcquire(operation)) throw new VoiceIdError('ThrottlingException', `Rate exceeded for ${operation}`);

  let input: unknown = {};
  if (body.length > 0) {
    try {
      input = JSON.parse(body.toString('utf8'));
    } catch {
      throw new VoiceIdError('SerializationException', 'Start of structure or map found where not expected, or the body is not valid JSON');
    }
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new VoiceIdError('SerializationException', 'The request body must be a JSON object');
  }
  const output = await service.invoke(operation, input);
  send(res, 200, output, { 'Content-Type': JSON_1_0, 'x-amzn-RequestId': requestId });
}

async function handleControlRequest(service: VoiceIdService, req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
  const raw = await readBody(req, MAX_CONTROL_BODY_BYTES);
  let body: unknown;
  if (raw.length > 0) {
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      send(res, 400, { error: 'BAD_REQUEST', message: '<body>: not valid JSON' }, { 'Content-Type': 'application/json' });
      return;
    }
  }
  const answer = await handleControl(service, req.method ?? 'GET', url.pathname, url.searchParams, body);
  send(res, answer.status, answer.body, { 'Content-Type': 'application/json' });
}

/** The HTTP front: the Voice ID API on `POST /`, the control API under `/_control/`. Never lets a request crash it. */
export function createEmulatorServer(service: VoiceIdService): http.Server {
  return http.createServer((req, res) => {
    const requestId = randomUUID();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const work = url.pathname.startsWith('/_control/')
      ? handleControlRequest(service, req, res, url)
      : req.method !== 'POST' || url.pathname !== '/'
        ? Promise.resolve(
            send(res, req.method !== 'POST' && url.pathname === '/' ? 405 : 404, { __type: 'UnknownOperationException', message: `${req.method} ${url.pathname} is not supported` }, {
              'Content-Type': JSON_1_0,
              'x-amzn-RequestId': requestId,
              'x-amzn-ErrorType': 'UnknownOperationException',
            }),
          )
        : handleVoiceId(service, req, res, requestId);
    work.catch((e: unknown) => {
      if (e instanceof VoiceIdError) return sendError(res, requestId, e);
      if (e instanceof BodyTooLargeError) return sendError(res, requestId, new VoiceIdError('SerializationException', e.message));
      service.options.log(`internal error on ${req.method} ${url.pathname}: ${e instanceof Error ? e.stack : String(e)}`);
      sendError(res, requestId, new VoiceIdError('InternalServerException', 'Internal server error'));
    });
  });
}

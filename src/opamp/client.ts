/**
 * The OpAMP client over HTTP: one POST of an AgentToServer message per
 * heartbeat (the full state each time, it is small), the ServerToAgent answer
 * read within bounds, remote config handed to the caller and its status sent
 * back at once. Nothing here may hurt the app: calls never overlap, each has
 * a deadline and a size cap, sockets and timers are unref'd, our own
 * requests are not traced, and every failure is told once and retried at
 * the next heartbeat.
 */
import { randomBytes } from 'node:crypto';
import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import { context } from '../otel-api';
import { suppressTracing } from '../otel-core';
import { CAPABILITIES, decodeServerToAgent, encodeAgentToServer, REMOTE_CONFIG_STATUS, type AgentToServer, type ConfigFile, type RemoteConfigStatusCode } from './messages';

/** A larger answer is abandoned (remote configs are a few hundred bytes). */
export const MAX_ANSWER_BYTES = 256 * 1024;
/** A call that has not finished by then is abandoned (a slow or endless answer). */
export const CALL_DEADLINE_MS = 10_000;
/** The longest wait a server's retry-after may ask for. */
const MAX_RETRY_AFTER_MS = 3_600_000;

export interface OpampClientOptions {
  endpoint: string;
  heartbeatMs: number;
  tls: { ca?: Buffer; cert?: Buffer; key?: Buffer };
  /** Asked for each message: the resource's detectors may settle after the first. */
  description: () => AgentToServer['description'];
  effectiveConfig: () => Record<string, ConfigFile>;
  /** Applies a remote config; returns undefined when applied, else why it failed. */
  onRemoteConfig: (files: Record<string, ConfigFile>) => string | undefined;
  /** Problems, each kind told once. */
  tell: (kind: string, message: string) => void;
}

/** A random UUID v7 (time-ordered), the instance uid the spec recommends. */
export function newInstanceUid(now = Date.now()): Buffer {
  const uid = randomBytes(16);
  uid.writeUIntBE(now, 0, 6);
  uid[6] = (uid[6]! & 0x0f) | 0x70;
  uid[8] = (uid[8]! & 0x3f) | 0x80;
  return uid;
}

export class OpampClient {
  private instanceUid = newInstanceUid();
  private sequenceNum = 0;
  private readonly startTimeUnixNano = BigInt(Date.now()) * 1_000_000n;
  private remoteStatus: AgentToServer['remoteConfigStatus'] = { lastHash: Buffer.alloc(0), status: REMOTE_CONFIG_STATUS.unset, errorMessage: '' };
  private timer: NodeJS.Timeout | undefined;
  private inFlight: ClientRequest | undefined;
  private stopped = false;
  private readonly url: URL;
  private readonly request: (url: URL, options: RequestOptions, callback: (response: IncomingMessage) => void) => ClientRequest;

  constructor(private readonly options: OpampClientOptions) {
    this.url = new URL(options.endpoint);
    // Loaded only when OpAMP is on.
    const transport = this.url.protocol === 'https:' ? (require('node:https') as typeof import('node:https')) : (require('node:http') as typeof import('node:http'));
    this.request = transport.request;
  }

  /** The first call goes out after start-up, never during it. */
  start(): void {
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.inFlight?.destroy();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.call(), delayMs);
    this.timer.unref();
  }

  private message(): Buffer {
    return encodeAgentToServer({
      instanceUid: this.instanceUid,
      sequenceNum: ++this.sequenceNum,
      capabilities:
        CAPABILITIES.reportsStatus | CAPABILITIES.acceptsRemoteConfig | CAPABILITIES.reportsEffectiveConfig | CAPABILITIES.reportsHealth | CAPABILITIES.reportsRemoteConfig | CAPABILITIES.reportsHeartbeat,
      description: this.options.description(),
      health: { healthy: true, startTimeUnixNano: this.startTimeUnixNano, status: 'running', lastError: '' },
      effectiveConfig: this.options.effectiveConfig(),
      remoteConfigStatus: this.remoteStatus,
    });
  }

  private call(): void {
    let body: Buffer;
    try {
      body = this.message();
    } catch (error) {
      this.options.tell('encode', `OpAMP: the status message could not be built, OpAMP stops: ${(error as Error).message}`);
      return;
    }
    let finished = false;
    const finish = (outcome: { answer: Buffer } | { problem: string; kind: string }) => {
      if (finished) return;
      finished = true;
      clearTimeout(deadline);
      this.inFlight = undefined;
      if ('problem' in outcome) {
        this.options.tell(outcome.kind, `OpAMP server ${this.url.origin}: ${outcome.problem}; the app is unaffected, retrying every heartbeat`);
        this.schedule(this.options.heartbeatMs);
        return;
      }
      let next = this.options.heartbeatMs;
      try {
        next = this.handle(outcome.answer);
      } catch (error) {
        // Runs in a socket's event handler: nothing may escape into the app.
        this.options.tell('handle', `OpAMP: an answer could not be handled (${(error as Error).message}); the app is unaffected`);
      }
      this.schedule(next);
    };
    const deadline = setTimeout(() => {
      const open = this.inFlight;
      finish({ kind: 'deadline', problem: `no complete answer within ${CALL_DEADLINE_MS} ms` });
      open?.destroy();
    }, CALL_DEADLINE_MS);
    deadline.unref();
    let request: ClientRequest;
    try {
      // TLS material that is not what it says (a certificate as the key) throws here, synchronously.
      request = this.newRequest(body, finish);
    } catch (error) {
      finish({ kind: 'request', problem: `the request could not be made (${(error as Error).message})` });
      return;
    }
    this.inFlight = request;
    request.on('socket', (socket) => socket.unref());
    request.on('error', (error) => finish({ kind: 'network', problem: error.message }));
    request.end(body);
  }

  private newRequest(body: Buffer, finish: (outcome: { answer: Buffer } | { problem: string; kind: string }) => void): ClientRequest {
    const request: ClientRequest = context.with(suppressTracing(context.active()), () =>
      this.request(
        this.url,
        {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-protobuf', 'Content-Length': body.length },
          agent: false,
          ca: this.options.tls.ca,
          cert: this.options.tls.cert,
          key: this.options.tls.key,
        } as RequestOptions,
        (response) => {
          const declared = Number(response.headers['content-length']);
          if (response.statusCode !== 200) {
            response.resume();
            finish({ kind: 'status', problem: `answered HTTP ${response.statusCode}` });
            request.destroy();
            return;
          }
          if (declared > MAX_ANSWER_BYTES) {
            finish({ kind: 'size', problem: `answer of ${declared} bytes refused (more than ${MAX_ANSWER_BYTES})` });
            request.destroy();
            return;
          }
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_ANSWER_BYTES) {
              finish({ kind: 'size', problem: `answer longer than ${MAX_ANSWER_BYTES} bytes abandoned` });
              request.destroy();
              return;
            }
            chunks.push(chunk);
          });
          response.on('end', () => finish({ answer: Buffer.concat(chunks) }));
          response.on('error', (error) => finish({ kind: 'network', problem: error.message }));
        },
      ),
    );
    return request;
  }

  /** Reads an answer; returns when to call next. */
  private handle(answer: Buffer): number {
    let decoded;
    try {
      decoded = decodeServerToAgent(answer);
    } catch (error) {
      this.options.tell('malformed', `OpAMP server ${this.url.origin}: malformed answer ignored (${(error as Error).message}); the app is unaffected`);
      return this.options.heartbeatMs;
    }
    if (decoded.newInstanceUid) this.instanceUid = decoded.newInstanceUid;
    if (decoded.error) {
      this.options.tell('server-error', `OpAMP server ${this.url.origin} answered an error: ${decoded.error.message.slice(0, 200)}`);
      return Math.min(Math.max(this.options.heartbeatMs, decoded.error.retryAfterMs ?? 0), MAX_RETRY_AFTER_MS);
    }
    if (decoded.remoteConfig && !decoded.remoteConfig.hash.equals(this.remoteStatus.lastHash)) {
      const failure = this.options.onRemoteConfig(decoded.remoteConfig.files);
      const status: RemoteConfigStatusCode = failure === undefined ? REMOTE_CONFIG_STATUS.applied : REMOTE_CONFIG_STATUS.failed;
      this.remoteStatus = { lastHash: Buffer.from(decoded.remoteConfig.hash), status, errorMessage: failure ?? '' };
      // The server learns the outcome now, not a heartbeat later.
      return 0;
    }
    return this.options.heartbeatMs;
  }
}

/**
 * OpAMP's AgentToServer and ServerToAgent messages (opamp-spec opamp.proto,
 * anyvalue.proto), only the fields this agent sends or reads. Field numbers
 * are the spec's; everything else a server sends is skipped.
 */
import { bytesField, ProtoWriter, readFields, repeatedBytes, uintField } from '../protobuf-wire';

/** AgentCapabilities bits we declare. */
export const CAPABILITIES = {
  reportsStatus: 0x1,
  acceptsRemoteConfig: 0x2,
  reportsEffectiveConfig: 0x4,
  reportsHealth: 0x800,
  reportsRemoteConfig: 0x1000,
  reportsHeartbeat: 0x2000,
} as const;

export const REMOTE_CONFIG_STATUS = { unset: 0, applied: 1, applying: 2, failed: 3 } as const;
export type RemoteConfigStatusCode = (typeof REMOTE_CONFIG_STATUS)[keyof typeof REMOTE_CONFIG_STATUS];

const SERVER_FLAG_REPORT_FULL_STATE = 0x1n;
const SERVER_ERROR_UNAVAILABLE = 2n;

export interface ConfigFile {
  body: Buffer;
  contentType: string;
}

export interface AgentToServer {
  instanceUid: Buffer;
  sequenceNum: number;
  capabilities: number;
  /** Sent in full on every message: small, and a server that lost us needs it. */
  description: { identifying: Record<string, string>; nonIdentifying: Record<string, string> };
  health: { healthy: boolean; startTimeUnixNano: bigint; status: string; lastError: string };
  effectiveConfig: Record<string, ConfigFile>;
  remoteConfigStatus: { lastHash: Buffer; status: RemoteConfigStatusCode; errorMessage: string };
}

function keyValue(key: string, value: string): ProtoWriter {
  // KeyValue{key=1, value=2 AnyValue{string_value=1}}
  return new ProtoWriter().string(1, key).message(2, new ProtoWriter().string(1, value));
}

function configMap(files: Record<string, ConfigFile>): ProtoWriter {
  // AgentConfigMap{map<string, AgentConfigFile> config_map=1}; AgentConfigFile{body=1, content_type=2}
  const map = new ProtoWriter();
  for (const [name, file] of Object.entries(files)) {
    map.message(1, new ProtoWriter().string(1, name).message(2, new ProtoWriter().bytes(1, file.body).string(2, file.contentType)));
  }
  return map;
}

export function encodeAgentToServer(message: AgentToServer): Buffer {
  const description = new ProtoWriter();
  for (const [key, value] of Object.entries(message.description.identifying)) description.message(1, keyValue(key, value));
  for (const [key, value] of Object.entries(message.description.nonIdentifying)) description.message(2, keyValue(key, value));
  const health = new ProtoWriter().bool(1, message.health.healthy).fixed64(2, message.health.startTimeUnixNano).string(4, message.health.status);
  if (message.health.lastError) health.string(3, message.health.lastError);
  const status = new ProtoWriter();
  if (message.remoteConfigStatus.lastHash.length > 0) status.bytes(1, message.remoteConfigStatus.lastHash);
  if (message.remoteConfigStatus.status !== 0) status.uint(2, message.remoteConfigStatus.status);
  if (message.remoteConfigStatus.errorMessage) status.string(3, message.remoteConfigStatus.errorMessage);
  return new ProtoWriter()
    .bytes(1, message.instanceUid)
    .uint(2, message.sequenceNum)
    .message(3, description)
    .uint(4, message.capabilities)
    .message(5, health)
    .message(6, new ProtoWriter().message(1, configMap(message.effectiveConfig)))
    .message(7, status)
    .finish();
}

export interface ServerToAgent {
  /** The remote config offered, when there is one. */
  remoteConfig?: { files: Record<string, ConfigFile>; hash: Buffer };
  reportFullState: boolean;
  /** The server's error, and how long it asks us to wait (UNAVAILABLE with retry info). */
  error?: { message: string; retryAfterMs?: number };
  /** The server assigns this agent another instance uid. */
  newInstanceUid?: Buffer;
}

/** Throws on a malformed message; the caller keeps its state and tries again at the next heartbeat. */
export function decodeServerToAgent(buffer: Buffer): ServerToAgent {
  const fields = readFields(buffer);
  const result: ServerToAgent = { reportFullState: ((uintField(fields, 6) ?? 0n) & SERVER_FLAG_REPORT_FULL_STATE) !== 0n };
  const errorBytes = bytesField(fields, 2);
  if (errorBytes) {
    // ServerErrorResponse{type=1, error_message=2, retry_info=3 RetryInfo{retry_after_nanoseconds=1}}
    const error = readFields(errorBytes);
    const retryInfo = bytesField(error, 3);
    const retryNanos = retryInfo ? uintField(readFields(retryInfo), 1) : undefined;
    result.error = {
      message: (bytesField(error, 2) ?? Buffer.alloc(0)).toString('utf8'),
      retryAfterMs: uintField(error, 1) === SERVER_ERROR_UNAVAILABLE && retryNanos !== undefined ? Number(retryNanos / 1_000_000n) : undefined,
    };
  }
  const remote = bytesField(fields, 3);
  if (remote) {
    // AgentRemoteConfig{config=1 AgentConfigMap, config_hash=2}
    const remoteFields = readFields(remote);
    // No prototype: a server chooses the names (`__proto__` is just a name here).
    const files = Object.create(null) as Record<string, ConfigFile>;
    const map = bytesField(remoteFields, 1);
    for (const entry of map ? repeatedBytes(readFields(map), 1) : []) {
      const entryFields = readFields(entry);
      const name = (bytesField(entryFields, 1) ?? Buffer.alloc(0)).toString('utf8');
      const file = readFields(bytesField(entryFields, 2) ?? Buffer.alloc(0));
      files[name] = { body: bytesField(file, 1) ?? Buffer.alloc(0), contentType: (bytesField(file, 2) ?? Buffer.alloc(0)).toString('utf8') };
    }
    result.remoteConfig = { files, hash: bytesField(remoteFields, 2) ?? Buffer.alloc(0) };
  }
  const identification = bytesField(fields, 8);
  if (identification) {
    const uid = bytesField(readFields(identification), 1);
    if (uid && uid.length === 16) result.newInstanceUid = uid;
  }
  return result;
}

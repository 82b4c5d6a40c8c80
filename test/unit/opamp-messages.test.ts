// Our hand-written OpAMP codec against the protobuf schemas the mock server
// (@elastic/mockopampserver, generated from opamp-spec) reads and writes.
import { describe, expect, it } from 'vitest';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { AgentToServerSchema, ServerToAgentSchema } from '@elastic/mockopampserver/lib/generated/opamp_pb.js';
import { decodeServerToAgent, encodeAgentToServer, REMOTE_CONFIG_STATUS } from '../../src/opamp/messages';
import { newInstanceUid } from '../../src/opamp/client';

describe('OpAMP messages', () => {
  it('AgentToServer decodes with the spec schema to what we meant', () => {
    const uid = newInstanceUid();
    const bytes = encodeAgentToServer({
      instanceUid: uid,
      sequenceNum: 7,
      capabilities: 0x3807,
      description: { identifying: { 'service.name': 'shop' }, nonIdentifying: { 'k8s.pod.name': 'shop-1', 'process.runtime.version': '20.1.0' } },
      health: { healthy: true, startTimeUnixNano: 1_700_000_000_000_000_000n, status: 'running', lastError: '' },
      effectiveConfig: { 'custom-otel': { body: Buffer.from('{"sampling_rate":1}'), contentType: 'application/json' } },
      remoteConfigStatus: { lastHash: Buffer.from([1, 2, 3]), status: REMOTE_CONFIG_STATUS.failed, errorMessage: 'refused' },
    });
    const message = fromBinary(AgentToServerSchema, bytes);
    expect(Buffer.from(message.instanceUid)).toEqual(uid);
    expect(message.sequenceNum).toBe(7n);
    expect(message.capabilities).toBe(0x3807n);
    expect(message.agentDescription?.identifyingAttributes.map((kv) => [kv.key, kv.value?.value])).toEqual([['service.name', { case: 'stringValue', value: 'shop' }]]);
    expect(message.agentDescription?.nonIdentifyingAttributes.map((kv) => kv.key)).toEqual(['k8s.pod.name', 'process.runtime.version']);
    expect(message.health).toMatchObject({ healthy: true, startTimeUnixNano: 1_700_000_000_000_000_000n, status: 'running' });
    expect(Buffer.from(message.effectiveConfig!.configMap!.configMap['custom-otel']!.body).toString()).toBe('{"sampling_rate":1}');
    expect(message.remoteConfigStatus).toMatchObject({ status: 3, errorMessage: 'refused' });
    expect([...message.remoteConfigStatus!.lastRemoteConfigHash]).toEqual([1, 2, 3]);
  });

  it('an instance uid is a UUID v7', () => {
    const uid = newInstanceUid().toString('hex');
    expect(uid[12]).toBe('7');
    expect('89ab').toContain(uid[16]);
  });

  it('ServerToAgent written with the spec schema reads back: remote config, full-state flag, retry-after', () => {
    const written = toBinary(
      ServerToAgentSchema,
      create(ServerToAgentSchema, {
        instanceUid: new Uint8Array(16),
        flags: 1n,
        remoteConfig: { config: { configMap: { 'custom-otel': { body: Buffer.from('{"sampling_rate":0}'), contentType: 'application/json' } } }, configHash: new Uint8Array([9, 9]) },
      }),
    );
    const read = decodeServerToAgent(Buffer.from(written));
    expect(read.reportFullState).toBe(true);
    expect(read.remoteConfig?.hash).toEqual(Buffer.from([9, 9]));
    expect(read.remoteConfig?.files['custom-otel']?.body.toString()).toBe('{"sampling_rate":0}');
    const error = toBinary(
      ServerToAgentSchema,
      create(ServerToAgentSchema, { errorResponse: { type: 2, errorMessage: 'busy', Details: { case: 'retryInfo', value: { retryAfterNanoseconds: 42_000_000_000n } } } }),
    );
    expect(decodeServerToAgent(Buffer.from(error)).error).toEqual({ message: 'busy', retryAfterMs: 42_000 });
  });

  it('a malformed or truncated answer throws instead of reading past its end', () => {
    expect(() => decodeServerToAgent(Buffer.from('<html>not protobuf</html>'))).toThrow();
    expect(() => decodeServerToAgent(Buffer.from([0x1a, 0xff, 0xff, 0x03, 0x00]))).toThrow(/past the end/);
    expect(() => decodeServerToAgent(Buffer.from([0x08, 0xff, 0xff]))).toThrow(/truncated/);
  });
});

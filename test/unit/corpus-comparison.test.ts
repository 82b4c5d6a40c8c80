import { describe, expect, it } from 'vitest';
import { addedWarnings, normaliseBody, ourLines } from '../corpus/support/comparison';

describe('corpus comparison', () => {
  it('masks ids, times, ports and etags, and nothing else', () => {
    const a = normaliseBody('id 0b7f3c4e-1d2a-4e5f-8a9b-0c1d2e3f4a5b at 2026-12-05T19:01:02.345Z on http://127.0.0.1:40123/x, Sat, 05 Dec 2026 19:01:02 GMT, W/"1a-2b" 1796201841123');
    const b = normaliseBody('id 9c8d7e6f-5a4b-4c3d-9e2f-1a0b9c8d7e6f at 2027-01-01T00:00:00Z on http://127.0.0.1:5/x, Fri, 01 Jan 2027 00:00:00 GMT, W/"ff-ee" 1800000000000');
    expect(a).toBe(b);
    expect(normaliseBody('first post, 254 views')).toBe('first post, 254 views');
    expect(normaliseBody('status 404')).not.toBe(normaliseBody('status 200'));
  });

  it("finds our lines by their prefix, and warnings only the run under our tree printed (Node's pid masked)", () => {
    expect(ourLines('app up\n[custom-otel] info: started x\nbye')).toEqual(['[custom-otel] info: started x']);
    const bare = '(node:101) [DEP0066] DeprecationWarning: OutgoingMessage.prototype._headers is deprecated\n';
    const ours = '(node:202) [DEP0066] DeprecationWarning: OutgoingMessage.prototype._headers is deprecated\n[custom-otel] warn: something\n(node:202) Warning: new one\n';
    expect(addedWarnings(bare, ours)).toEqual(['[custom-otel] warn: something', '(node:202) Warning: new one']);
  });
});

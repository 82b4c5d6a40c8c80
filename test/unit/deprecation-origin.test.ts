import { describe, expect, it } from 'vitest';
import { loadsQuietly } from '../../src/deprecation-origin';

describe('which loads of a deprecated builtin Node makes without its warning', () => {
  it('a load from inside node_modules, by either name; not from the app, nor of other modules', () => {
    expect(loadsQuietly('punycode', '/srv/app/node_modules/whatwg-url/lib/url-state-machine.js')).toBe(true);
    expect(loadsQuietly('node:punycode', '/srv/app/node_modules/tr46/index.js')).toBe(true);
    expect(loadsQuietly('punycode', '/srv/app/server.js')).toBe(false);
    expect(loadsQuietly('punycode', undefined)).toBe(false);
    expect(loadsQuietly('punycode/', '/srv/app/node_modules/x/index.js')).toBe(false);
    expect(loadsQuietly('http', '/srv/app/node_modules/x/index.js')).toBe(false);
  });
});

/** Pure decisions of the Docker foundation (scripts/docker, test/e2e/support/docker.ts). */
import { describe, expect, it } from 'vitest';
import { nodeImageName, requestedMajors } from '../../scripts/docker/base-image-names';
import { appletNames } from '../../scripts/docker/busybox-rootfs';
import { aptSources } from '../../scripts/docker/debian-rootfs';
import { customOtelCacheDir } from '../../scripts/docker/cache-dir';
import { containerNameIn, dropsConnection, startsTlsHandshake } from '../e2e/support/docker';

describe('base image names', () => {
  it('are spelled like Docker Hub', () => {
    expect(nodeImageName(20)).toBe('node:20-bookworm-slim');
  });

  it('default to every supported major and accept only supported ones', () => {
    expect(requestedMajors([], [14, 20])).toEqual([14, 20]);
    expect(requestedMajors(['20'], [14, 20])).toEqual([20]);
    expect(() => requestedMajors(['21'], [14, 20])).toThrow('"21" is not a supported Node major; supported (node-versions/versions.json): 14, 20');
    expect(() => requestedMajors(['v20'], [20])).toThrow('"v20" is not a supported Node major');
    expect(() => requestedMajors(['20.1'], [20])).toThrow('"20.1"');
  });
});

describe('busybox applets', () => {
  it('come from busybox --list without the multiplexer itself', () => {
    expect(appletNames('[\n[[\nbusybox\ncp\nsh\n\n')).toEqual(['[', '[[', 'cp', 'sh']);
  });

  it('reject names that would escape /bin', () => {
    expect(() => appletNames('cp\n../etc/passwd\n')).toThrow('unexpected applet name: "../etc/passwd"');
  });
});

describe('debian image apt sources', () => {
  it('use the machine mirror, with security only when the machine has it', () => {
    expect(aptSources('http://m/debian/', 'http://m/debian-security/')).toBe(
      'deb http://m/debian/ bookworm main\ndeb http://m/debian/ bookworm-updates main\ndeb http://m/debian-security/ bookworm-security main\n',
    );
    expect(aptSources('http://m/debian/', undefined)).toBe('deb http://m/debian/ bookworm main\ndeb http://m/debian/ bookworm-updates main\n');
  });
});

describe('cache dir', () => {
  it('is CUSTOM_OTEL_CACHE_DIR when set, else under ~/.cache', () => {
    expect(customOtelCacheDir({ CUSTOM_OTEL_CACHE_DIR: '/x/cache' })).toBe('/x/cache');
    expect(customOtelCacheDir({})).toMatch(/\/\.cache\/custom-otel-nodejs$/);
  });
});

describe('flaky registry proxy', () => {
  it('drops exactly the first N plain-HTTP connections', () => {
    expect([0, 1, 2, 3].map((index) => dropsConnection(index, 2))).toEqual([true, true, false, false]);
    expect(dropsConnection(0, 0)).toBe(false);
  });

  it('tells TLS handshakes from HTTP requests by the first byte', () => {
    expect(startsTlsHandshake(Buffer.from([0x16, 0x03, 0x01]))).toBe(true);
    expect(startsTlsHandshake(Buffer.from('GET /v2/ HTTP/1.1\r\n'))).toBe(false);
    expect(startsTlsHandshake(Buffer.alloc(0))).toBe(false);
  });
});

describe('dockerRun container names', () => {
  it('finds a --name given by the caller in either spelling', () => {
    expect(containerNameIn(['--rm', '--name', 'web', 'img'])).toBe('web');
    expect(containerNameIn(['--name=web', 'img'])).toBe('web');
    expect(containerNameIn(['--rm', 'img', 'node'])).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { hasModuleSyntax, hasTypeScriptModuleSyntax } from '../../src/module-syntax';

describe('hasModuleSyntax: as Node syntax detection', () => {
  it.each([
    ["import http from 'node:http';\nhttp.createServer().listen(0);", true],
    ["export const a = 1;", true],
    ["#!/usr/bin/env node\nimport { sep } from 'node:path';", true],
    ["console.log(import.meta.url);", true],
    ["await Promise.resolve(1);\nconsole.log('done');", true],
    ["const http = require('http');\nmodule.exports = http;", false],
    ["const m = await import('x');", true],
    ["import('./lazy.mjs').then(() => undefined);", false],
    ["// import x from 'y'\nconst a = 'export default';", false],
    ["function await() {}\nawait();", false],
    ["const a = ;", false],
  ])('%j -> %s', (source, expected) => {
    expect(hasModuleSyntax(source)).toBe(expected);
  });
});

describe('hasTypeScriptModuleSyntax', () => {
  it('finds import/export statements at the start of lines, not in comments', () => {
    expect(hasTypeScriptModuleSyntax("import express from 'express';\nconst port: number = 3000;")).toBe(true);
    expect(hasTypeScriptModuleSyntax("const port: number = 3000;\nexport { port };")).toBe(true);
    expect(hasTypeScriptModuleSyntax("const x: string = import.meta.url;")).toBe(true);
    expect(hasTypeScriptModuleSyntax("/*\nimport x from 'y'\n*/\nconst port: number = require('./p');")).toBe(false);
    expect(hasTypeScriptModuleSyntax("const express = require('express');\nconst port: number = 3000;")).toBe(false);
  });
});

describe('hasModuleSyntax: what is not compiled at all', () => {
  it('passes over CommonJS that only mentions the words (dynamic import, strings, async functions)', () => {
    expect(hasModuleSyntax('"use strict";var a=require("x");async function f(){await a.import("y")}module.exports={f,"export":1};')).toBe(false);
    expect(hasModuleSyntax('async function main() {\n  await run();\n}\nmain();')).toBe(false);
  });
  it('still finds statements after other code on a minified line', () => {
    expect(hasModuleSyntax('const a=1;export{a};')).toBe(true);
    expect(hasModuleSyntax('import{createServer as c}from"node:http";c().listen(0);')).toBe(true);
    expect(hasModuleSyntax('import x, { y } from "z";')).toBe(true);
  });
});

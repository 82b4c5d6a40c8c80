/**
 * A setting as data: its variable, type, default, limits and one line of
 * documentation. Each concern declares its rows next to the code that uses
 * them (src/<concern>/settings.ts); parseConfig reads the rows, the README's
 * tables are rendered from them, and the tests take their variables from them.
 */
import { listSome, Prose, type EnvReader } from './env-reader';

export interface NumberLimits {
  min: number;
  max: number;
  /** Fractions allowed (otherwise whole numbers only). */
  fractional?: boolean;
}

interface Row {
  name: string;
  doc: string;
  /** Who reads the variable when parseConfig does not: the guarded entry, the SDK's OTLP exporters, or the configuration source (which decides where the rest comes from). */
  readBy?: 'entry' | 'exporter' | 'source';
  /** Also read in the OTEL_EXPORTER_OTLP_{TRACES,METRICS,LOGS}_* forms, which win for their signal. */
  perSignal?: boolean;
}

export interface BooleanSetting extends Row { type: 'boolean'; default: boolean }
export interface NumberSetting extends Row { type: 'number'; default: number; limits: NumberLimits }
/** Any text; `default` undefined: unset. */
export interface TextSetting extends Row { type: 'text'; default?: string }
export interface ListSetting extends Row { type: 'list'; default: readonly string[] }
export interface OneOfSetting<T extends string = string> extends Row { type: 'oneOf'; allowed: readonly T[]; default: T }
export interface ListOfSetting<T extends string = string> extends Row { type: 'listOf'; allowed: readonly T[]; default: readonly T[] }
/** `key=value,...`, values percent-decoded. */
export interface KeyValuesSetting extends Row { type: 'keyValues' }
/** An http:// or https:// URL. */
export interface UrlSetting extends Row { type: 'url'; default: string }
/** A grammar of the concern's own, parsed by it; `grammar` shows its shape. */
export interface RulesSetting extends Row { type: 'rules'; grammar: string }
/** A file path, read when it is used. */
export interface PathSetting extends Row { type: 'path' }

export type Setting =
  | BooleanSetting | NumberSetting | TextSetting | ListSetting | OneOfSetting | ListOfSetting
  | KeyValuesSetting | UrlSetting | RulesSetting | PathSetting;

type Doc = Pick<Row, 'doc' | 'readBy' | 'perSignal'>;

export const booleanSetting = (name: string, value: boolean, doc: Doc): BooleanSetting => ({ name, type: 'boolean', default: value, ...doc });
export const numberSetting = (name: string, value: number, limits: NumberLimits, doc: Doc): NumberSetting => ({ name, type: 'number', default: value, limits, ...doc });
export const textSetting = (name: string, value: string | undefined, doc: Doc): TextSetting => ({ name, type: 'text', default: value, ...doc });
export const listSetting = (name: string, value: readonly string[], doc: Doc): ListSetting => ({ name, type: 'list', default: value, ...doc });
export const oneOfSetting = <T extends string>(name: string, allowed: readonly T[], value: NoInfer<T>, doc: Doc): OneOfSetting<T> => ({ name, type: 'oneOf', allowed, default: value, ...doc });
export const listOfSetting = <T extends string>(name: string, allowed: readonly T[], value: readonly NoInfer<T>[], doc: Doc): ListOfSetting<T> => ({ name, type: 'listOf', allowed, default: value, ...doc });
export const keyValuesSetting = (name: string, doc: Doc): KeyValuesSetting => ({ name, type: 'keyValues', ...doc });
export const urlSetting = (name: string, value: string, doc: Doc): UrlSetting => ({ name, type: 'url', default: value, ...doc });
export const rulesSetting = (name: string, grammar: string, doc: Doc): RulesSetting => ({ name, type: 'rules', grammar, ...doc });
export const pathSetting = (name: string, doc: Doc): PathSetting => ({ name, type: 'path', ...doc });

/** The value of a row, read and checked once (invalid values warn, naming the variable, and fall back to the default). */
export function readSetting(read: EnvReader, row: BooleanSetting): boolean;
export function readSetting(read: EnvReader, row: NumberSetting): number;
export function readSetting<T extends string>(read: EnvReader, row: OneOfSetting<T>): T;
export function readSetting<T extends string>(read: EnvReader, row: ListOfSetting<T>): T[];
export function readSetting(read: EnvReader, row: ListSetting): string[];
export function readSetting(read: EnvReader, row: KeyValuesSetting): Record<string, string>;
export function readSetting(read: EnvReader, row: TextSetting | PathSetting): string | undefined;
export function readSetting(read: EnvReader, row: Setting): unknown {
  switch (row.type) {
    case 'boolean': return read.boolean(row.name, row.default);
    case 'number': return read.number(row.name, row.default, row.limits);
    case 'oneOf': return read.oneOf(row.name, row.allowed, row.default);
    case 'listOf': return read.listOf(row.name, row.allowed, row.default);
    case 'list': return read.list(row.name, row.default);
    case 'keyValues': return read.keyValues(row.name);
    case 'text': return read.string(row.name, row.default);
    case 'path': return read.string(row.name);
    default: throw new Error(`${row.name}: a ${row.type} setting is read by its concern`);
  }
}

/** Every variable a row stands for: the per-signal OTLP forms too. */
export function variablesOf(row: Setting): string[] {
  if (!row.perSignal) return [row.name];
  const suffix = row.name.slice('OTEL_EXPORTER_OTLP_'.length);
  return [row.name, ...['TRACES', 'METRICS', 'LOGS'].map((signal) => `OTEL_EXPORTER_OTLP_${signal}_${suffix}`)];
}

/** A rules setting parsed by its concern's parser; malformed rules are dropped with one warning. */
export function readRules<T>(read: EnvReader, row: RulesSetting, parse: (value: string) => { rules: T[]; malformed: string[] }): T[] {
  const value = read.raw(row.name);
  if (value === undefined) return [];
  const { rules, malformed } = parse(value);
  if (malformed.length > 0) {
    read.invalid(row.name, `malformed rule ${listSome(malformed)}`, new Prose(rules.length ? 'the well-formed rules only' : 'no rules'));
  }
  return rules;
}

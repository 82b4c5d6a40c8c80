/** The README's settings tables, rendered from the settings rows (src/<concern>/settings.ts). */
import type { Setting } from '../../src/config/setting';

const code = (text: string) => `\`${text}\``;

function shownDefault(row: Setting): string {
  switch (row.type) {
    case 'boolean':
    case 'number':
      return code(String(row.default));
    case 'oneOf':
    case 'url':
      return code(row.default);
    case 'list':
    case 'listOf':
      return row.default.length > 0 ? code(row.default.join(',')) : 'none';
    case 'text':
      return row.default === undefined ? 'none' : code(row.default);
    default:
      return 'none';
  }
}

function accepted(row: Setting): string {
  switch (row.type) {
    case 'boolean':
      return '`true`/`false` (`1`/`0`, `yes`/`no`, `on`/`off`)';
    case 'number':
      return `${row.limits.fractional ? 'a number' : 'a whole number'} from ${row.limits.min} to ${row.limits.max}`;
    case 'oneOf':
      return row.allowed.map(code).join(', ');
    case 'listOf':
      return `a list of ${row.allowed.map(code).join(', ')}`;
    case 'list':
      return 'a comma-separated list';
    case 'keyValues':
      return '`key=value,...`';
    case 'url':
      return 'an `http://` or `https://` URL';
    case 'rules':
      return code(row.grammar);
    case 'path':
      return 'a file path';
    default:
      return 'any text';
  }
}

function variable(row: Setting): string {
  return row.perSignal ? `${code(row.name)} and its \`_TRACES_\`, \`_METRICS_\`, \`_LOGS_\` forms` : code(row.name);
}

function doc(row: Setting): string {
  const reader = row.readBy === 'entry' ? ' (read by the entry, before the distribution loads)' : row.readBy === 'exporter' ? ' (read by the OTLP exporters)' : row.readBy === 'source' ? ' (read first: it decides where the other settings come from)' : '';
  return row.doc + reader;
}

export function renderSettingsTable(rows: readonly Setting[]): string {
  const lines = ['| variable | default | accepted | what it does |', '|---|---|---|---|'];
  for (const row of rows) lines.push(`| ${variable(row)} | ${shownDefault(row)} | ${accepted(row)} | ${doc(row).replace(/\|/g, '\\|')} |`);
  return lines.join('\n');
}

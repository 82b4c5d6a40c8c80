/**
 * A configuration file's `instrumentation/development` section: `general.http`
 * captured headers and, under `js:`, each instrumentation's own constructor
 * options by short name (`enabled` turns one on or off).
 */
import type { FileValue } from './file-walk';
import type { FileSettings, Set, Warn } from './config-file-mapping';

const GENERAL = ['http', 'code', 'db', 'gen_ai', 'messaging', 'rpc', 'sanitization', 'stability_opt_in_list'];

export function mapInstrumentation(section: FileValue, out: FileSettings, set: Set, warn: Warn): void {
  const languages = section.entries();
  const fields = Object.fromEntries(languages);
  const general = fields.general?.object(GENERAL) ?? {};
  if (general.http?.isSet) {
    const http = general.http.object(['client', 'server']);
    const side = (value: FileValue | undefined) => value?.object(['request_captured_headers', 'response_captured_headers', 'known_methods']) ?? {};
    const headers = (value: FileValue | undefined) => (value?.list() ?? []).map((entry) => entry.string().toLowerCase());
    const client = side(http.client);
    const server = side(http.server);
    const attributes: Record<string, Record<string, string[]>> = {};
    for (const [name, fields] of [['client', client], ['server', server]] as const) {
      const requestHeaders = headers(fields.request_captured_headers);
      const responseHeaders = headers(fields.response_captured_headers);
      if (requestHeaders.length || responseHeaders.length) attributes[name] = { requestHeaders, responseHeaders };
      if (fields.known_methods?.isSet) warn(fields.known_methods, 'not supported by this distribution; ignored');
    }
    // The http instrumentation's own option; the processor still redacts secret headers.
    if (Object.keys(attributes).length > 0) out.instrumentationOptions.http = { headersToSpanAttributes: attributes };
  }
  if (general.stability_opt_in_list?.isSet) set('OTEL_SEMCONV_STABILITY_OPT_IN', general.stability_opt_in_list.string(), general.stability_opt_in_list);
  for (const [name, options] of fields.js?.entries() ?? []) {
    const shortName = name.replace(/^@opentelemetry\/instrumentation-/, '').toLowerCase();
    const mapped: Record<string, unknown> = {};
    for (const [key, value] of options.entries()) {
      if (key === 'enabled') {
        if (value.boolean()) out.alsoEnabled.push(shortName);
        else out.variables.OTEL_NODE_DISABLED_INSTRUMENTATIONS = [out.variables.OTEL_NODE_DISABLED_INSTRUMENTATIONS, shortName].filter(Boolean).join(',');
        out.origins.OTEL_NODE_DISABLED_INSTRUMENTATIONS ??= value.path;
        continue;
      }
      mapped[camelCase(key)] = value.value;
    }
    out.instrumentationOptions[shortName] = { ...out.instrumentationOptions[shortName], ...mapped };
  }
}

/** The schema writes snake_case; the instrumentations' constructors take camelCase. Both are accepted. */
function camelCase(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/** The one setting read before all others: whether a configuration file replaces the environment. */
import { pathSetting } from './setting';

export const CONFIG_FILE = pathSetting('OTEL_CONFIG_FILE', {
  readBy: 'source',
  doc: 'a configuration file (opentelemetry-configuration schema, `file_format` 1.0 or 1.1); when set, every other `OTEL_*` variable is ignored unless the file refers to it (see [Configuration file](#configuration-file))',
});

export const CONFIG_FILE_SETTINGS = [CONFIG_FILE];

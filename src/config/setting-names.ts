/** Every environment variable the distribution reads: the variables of its settings rows. */
import { ALL_SETTINGS } from './all-settings';
import { variablesOf, type Setting } from './setting';

export function settingNames(rows: readonly Setting[] = ALL_SETTINGS): string[] {
  return [...new Set(rows.flatMap(variablesOf))].sort();
}

/** The entry's one setting; the entry reads it itself (see process-filter.ts), before the configuration is parsed. */
import { listSetting } from '../config/setting';
import { DEFAULT_EXCLUDE_COMMANDS, EXCLUDE_COMMANDS_VARIABLE } from './process-filter';

export const EXCLUDE_COMMANDS = listSetting(EXCLUDE_COMMANDS_VARIABLE, DEFAULT_EXCLUDE_COMMANDS, {
  doc: 'commands (script names) not instrumented; the list replaces the default',
  readBy: 'entry',
});

export const ENTRY_SETTINGS = [EXCLUDE_COMMANDS];

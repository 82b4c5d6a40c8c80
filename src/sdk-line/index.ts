/** During development and tests: the 2.x line. The bundler swaps in the line of the major it builds. */
export { sdkLine } from './v2';
export type { SdkLine } from './types';

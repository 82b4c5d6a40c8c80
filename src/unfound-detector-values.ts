/**
 * A resource detector that finds nothing (no container id outside a
 * container, no machine id in a distroless image, a detector past its time
 * limit) leaves its attribute's value undefined. The 3.x SDK then leaves the
 * key out and warns "dropping invalid resource attribute value": a warning on
 * a plain start about something nobody configured. Only the user's own keys
 * (OTEL_RESOURCE_ATTRIBUTES, OTEL_SERVICE_NAME) are theirs to be told about;
 * those are strings by the time they reach the SDK, so in practice the
 * message only ever means "a detector found nothing".
 */
const INVALID_VALUE = /^dropping invalid resource attribute value for key "(.*)"$/;

/** Whether an SDK message only says that a detector found no value for a key the user did not configure. */
export function isUnfoundDetectorValue(message: unknown, configuredKeys: ReadonlySet<string>): boolean {
  if (typeof message !== 'string') return false;
  const key = INVALID_VALUE.exec(message)?.[1];
  return key !== undefined && !configuredKeys.has(key);
}

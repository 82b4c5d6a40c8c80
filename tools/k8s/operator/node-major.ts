import { parseImageReference } from './image-reference';

// One image per Node major: a pod must pick the Instrumentation whose image was
// built for its own Node major. Majors are read from image tags by convention:
// ours end in "-node<major>"; app images are "node:<major>-..." or "...:node<major>".

const NODE_IN_TAG = /(?:^|[-_.])node-?(\d+)(?=$|[-_.])/i;
const LEADING_MAJOR = /^(\d+)(?=$|[-.])/;

function tagOf(image: string): { repository: string; tag: string } | undefined {
  const ref = parseImageReference(image);
  if (!ref?.tag) return undefined;
  return { repository: ref.name.split('/').pop() ?? ref.name, tag: ref.tag };
}

/** The Node major an auto-instrumentation image was built for ("...:1.0.0-node20" → 20). */
export function nodeMajorOfInstrumentationImage(image: string | undefined): number | undefined {
  const ref = image === undefined ? undefined : tagOf(image);
  const match = ref ? NODE_IN_TAG.exec(ref.tag) : null;
  return match ? Number(match[1]) : undefined;
}

/** The Node major an application image runs ("node:18-alpine" → 18, "app:node20" → 20), when its tag says. */
export function nodeMajorOfAppImage(image: string | undefined): number | undefined {
  const ref = image === undefined ? undefined : tagOf(image);
  if (!ref) return undefined;
  if (ref.repository === 'node') {
    const leading = LEADING_MAJOR.exec(ref.tag);
    if (leading) return Number(leading[1]);
  }
  const match = NODE_IN_TAG.exec(ref.tag);
  return match ? Number(match[1]) : undefined;
}

export function nodeMajorMismatch(instrumentationImage: string | undefined, appImage: string | undefined, container: string): string | undefined {
  const built = nodeMajorOfInstrumentationImage(instrumentationImage);
  const runs = nodeMajorOfAppImage(appImage);
  if (built === undefined || runs === undefined || built === runs) return undefined;
  return (
    `container ${container} runs Node ${runs} (image ${appImage}) but the Instrumentation image ${instrumentationImage} ` +
    `is built for Node ${built}: use the Instrumentation for Node ${runs} (inject-nodejs: "<namespace>/nodejs-${runs}")`
  );
}

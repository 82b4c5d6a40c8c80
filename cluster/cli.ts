/**
 * npm run cluster -- up | down | status | load IMAGE...
 * A Kubernetes cluster on this machine built from Go modules (see
 * cluster/README.md): the control plane and the OpenTelemetry Operator on
 * 127.0.0.1, and the node when cluster/node.ts is there.
 */
import { COLLECTOR_IMAGE } from './collector-image';
import { down, status, up } from './lifecycle';
import { clusterContext, loadNode, NO_NODE } from './node-interface';

const USAGE = 'usage: npm run cluster -- up | down | status | load IMAGE...';

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case 'up':
      await up();
      return 0;
    case 'down':
      await down();
      return 0;
    case 'status': {
      const { lines, running } = await status();
      console.log(lines.join('\n'));
      return running ? 0 : 3;
    }
    case 'load': {
      if (rest.length === 0) throw new Error(`load needs at least one image (e.g. ${COLLECTOR_IMAGE})\n${USAGE}`);
      const node = await loadNode();
      if (!node?.loadImages) throw new Error(`cannot load images: ${node ? 'cluster/node.ts has no loadImages' : NO_NODE}`);
      await node.loadImages(clusterContext(console.log), rest);
      return 0;
    }
    default:
      throw new Error(command === undefined ? USAGE : `unknown command ${command}\n${USAGE}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error.message);
    process.exit(1);
  },
);

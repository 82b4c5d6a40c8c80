/**
 * The node's CNI network: one bridge with host-local addresses from the node's
 * pod subnet, no masquerading and routes to the cluster's ranges only (a pod has
 * no default route, so nothing it sends can be routed anywhere else), portmap
 * for hostPort. containerd adds the loopback plugin itself.
 */
import { BRIDGE, BRIDGE_IP, POD_ROUTES, POD_SUBNET } from './node-network';

export const CNI_NETWORK_NAME = 'custom-otel-cluster';
export const CNI_CONFLIST_NAME = '10-custom-otel-cluster.conflist';

export function cniConflist(dataDir: string): string {
  const conflist = {
    cniVersion: '1.0.0',
    name: CNI_NETWORK_NAME,
    plugins: [
      {
        type: 'bridge',
        bridge: BRIDGE,
        isGateway: true,
        isDefaultGateway: false,
        ipMasq: false,
        hairpinMode: true,
        ipam: {
          type: 'host-local',
          dataDir,
          ranges: [[{ subnet: POD_SUBNET, gateway: BRIDGE_IP }]],
          routes: POD_ROUTES.map((dst) => ({ dst })),
        },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  };
  return `${JSON.stringify(conflist, null, 2)}\n`;
}

// The part of @elastic/mockopampserver's API the tests use (the package ships no types).
declare module '@elastic/mockopampserver' {
  export class MockOpAMPServer {
    constructor(options: { hostname?: string; port?: number; logLevel?: string; testMode?: boolean; badMode?: string; ca?: Buffer; cert?: Buffer; key?: Buffer; requestCert?: boolean });
    readonly endpoint: string;
    start(): Promise<void>;
    close(): Promise<void>;
    setAgentConfigMap(map: { configMap: Record<string, { body: Uint8Array; contentType: string }> }): void;
    testGetRequests(): unknown[];
  }
}

/**
 * The cluster's certificates and keys, made locally with openssl: one CA that
 * every component trusts, serving certificates for the API server and the
 * operator's webhooks, client certificates for the components and the admin,
 * and the service-account signing key pair. Made once; `down` removes them.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runChecked } from '../scripts/child-process';
import { PKI_DIR } from './layout';

export interface CertificateFiles {
  cert: string;
  key: string;
}

export const CA: CertificateFiles = { cert: join(PKI_DIR, 'ca.crt'), key: join(PKI_DIR, 'ca.key') };
export const SERVICE_ACCOUNT_KEY = join(PKI_DIR, 'service-account.key');
export const SERVICE_ACCOUNT_PUBLIC_KEY = join(PKI_DIR, 'service-account.pub');

const DAYS = '3650';

async function openssl(args: string[]): Promise<void> {
  await runChecked('openssl', args, { cwd: PKI_DIR });
}

export async function ensureCa(): Promise<void> {
  mkdirSync(PKI_DIR, { recursive: true });
  if (existsSync(CA.cert) && existsSync(CA.key)) return;
  await openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', CA.key]);
  await openssl(['req', '-x509', '-new', '-key', CA.key, '-out', CA.cert, '-days', DAYS, '-subj', '/CN=custom-otel-cluster-ca',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature']);
}

export interface CertificateRequest {
  /** File name stem under .cluster/pki. */
  name: string;
  commonName: string;
  /** Kubernetes reads O as the user's groups. */
  organization?: string;
  /** IP and DNS names for a serving certificate. */
  ipAddresses?: string[];
  dnsNames?: string[];
}

/** Issues (once) a certificate signed by the cluster's CA, good for serving and as a client. */
export async function issueCertificate(request: CertificateRequest): Promise<CertificateFiles> {
  await ensureCa();
  const files = { cert: join(PKI_DIR, `${request.name}.crt`), key: join(PKI_DIR, `${request.name}.key`) };
  if (existsSync(files.cert) && existsSync(files.key)) return files;
  const csr = join(PKI_DIR, `${request.name}.csr`);
  const extensions = join(PKI_DIR, `${request.name}.ext`);
  const subject = `/CN=${request.commonName}${request.organization ? `/O=${request.organization}` : ''}`;
  const altNames = [...(request.ipAddresses ?? []).map((ip) => `IP:${ip}`), ...(request.dnsNames ?? []).map((dns) => `DNS:${dns}`)];
  writeFileSync(
    extensions,
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth,clientAuth',
      ...(altNames.length ? [`subjectAltName=${altNames.join(',')}`] : []),
    ].join('\n') + '\n',
  );
  await openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', files.key]);
  await openssl(['req', '-new', '-key', files.key, '-out', csr, '-subj', subject]);
  await openssl(['x509', '-req', '-in', csr, '-CA', CA.cert, '-CAkey', CA.key, '-CAcreateserial', '-out', files.cert, '-days', DAYS, '-extfile', extensions]);
  rmSync(csr);
  rmSync(extensions);
  return files;
}

export async function ensureServiceAccountKeys(): Promise<void> {
  mkdirSync(PKI_DIR, { recursive: true });
  if (existsSync(SERVICE_ACCOUNT_KEY) && existsSync(SERVICE_ACCOUNT_PUBLIC_KEY)) return;
  await openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', SERVICE_ACCOUNT_KEY]);
  await openssl(['pkey', '-in', SERVICE_ACCOUNT_KEY, '-pubout', '-out', SERVICE_ACCOUNT_PUBLIC_KEY]);
}

export function caBundle(): string {
  return readFileSync(CA.cert).toString('base64');
}

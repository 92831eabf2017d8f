import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

// The Static Web Apps config (CSP and the other headers) ships beside index.html, unchanged.
function staticWebAppConfig(): Plugin {
  const source = fileURLToPath(new URL('./staticwebapp.config.json', import.meta.url));
  return {
    name: 'jimp-staticwebapp-config',
    apply: 'build',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'staticwebapp.config.json', source: readFileSync(source, 'utf8') });
    },
  };
}

export default defineConfig({
  plugins: [staticWebAppConfig()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // No inline polyfill script: the CSP allows scripts from 'self' only.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:7071', '/dev': 'http://127.0.0.1:7071' },
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.ts'],
  },
});

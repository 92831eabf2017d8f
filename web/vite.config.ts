import { defineConfig } from 'vitest/config';

// The built app is served by the function app itself (functions/Jimp.Functions/Platform/Web/WebApp.cs), which
// sends the CSP and the other headers (Platform/Http/SecurityHeaders.cs) on every answer.
export default defineConfig({
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
    // ./test.sh runs these next to the .NET build (2 cores): vitest's default 5 s per test was crossed there. The
    // bounds the tests assert are their own (markdown.test.ts times its hostile lines); this only stops a hung test.
    testTimeout: 30_000,
  },
});

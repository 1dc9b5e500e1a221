import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';

// Two pages: the explorer (index.html, every client route falls back to it)
// and GraphiQL (graphiql.html, served at /graphiql). The output is a pure
// function of the sources and package-lock.json: content hashes in the file
// names, no timestamps, so scripts/check-web.sh can compare it byte for byte.
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 4000,
    rollupOptions: {
      input: {
        index: resolve(__dirname, 'index.html'),
        graphiql: resolve(__dirname, 'graphiql.html'),
      },
      // One file operation at a time: with several in flight, modules of
      // the GraphiQL chunk came out in a different order now and then.
      maxParallelFileOps: 1,
      output: {
        // GraphiQL's editor (CodeMirror 5) loads its addons with dynamic
        // imports, and Rollup split them into chunks whose contents came out
        // in a different order from one build to the next. One chunk for
        // all of GraphiQL's dependencies makes the build repeatable.
        manualChunks(id) {
          if (id.includes('/node_modules/') && !id.includes('/node_modules/react')) {
            return /graphiql|codemirror|graphql-language-service|@graphiql|markdown-it|@radix-ui|linkify|entities|@headlessui|framer|copy-to-clipboard|set-value|meros|@n1ru4l|get-value|is-plain|isobject|toggle-selection|punycode|mdurl|uc\.micro/.test(id)
              ? 'graphiql-vendor'
              : undefined;
          }
          return undefined;
        },
      },
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});

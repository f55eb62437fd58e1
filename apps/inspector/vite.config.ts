import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `base: './'` makes every asset URL relative, so the same build works wherever the gateway mounts it
// (`/playground/`, `/inspector/`) or from a file server. Everything is bundled: no CDN, no network.
export default defineConfig({
  base: './',
  plugins: [react()],
  resolve: { conditions: ['@chorus/source', 'module', 'browser', 'development|production'] },
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1024 },
});

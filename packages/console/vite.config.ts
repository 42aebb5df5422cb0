import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Served by the Parley server under /console; hashed assets are cached forever there.
export default defineConfig({
  base: '/console/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, assetsDir: 'assets' },
});

import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// In development the API is proxied to the server started with `npm run dev`.
export default defineConfig({
  plugins: [react()],
  // One copy of Mantine's packages: two would each have their own React context.
  resolve: { dedupe: ['react', 'react-dom', '@mantine/core', '@mantine/hooks', '@mantine/store'] },
  server: { proxy: { '/api': 'http://localhost:3000', '/healthz': 'http://localhost:3000', '/readyz': 'http://localhost:3000' } },
  build: { outDir: 'dist', sourcemap: false, chunkSizeWarningLimit: 1500 },
});

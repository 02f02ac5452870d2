import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import AutoImport from 'unplugin-auto-import/vite'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

// Element Plus components, directives (v-loading) and services (ElMessage, ElMessageBox) are imported on
// demand with their own CSS, so each route's chunk carries only what that page uses.
export default defineConfig({
  base: '/',
  plugins: [
    vue(),
    AutoImport({ resolvers: [ElementPlusResolver()], dts: false }),
    Components({ resolvers: [ElementPlusResolver()], dts: false }),
  ],
  server: {
    port: 5173,
    // `npm run dev` against a running `python -m local`
    proxy: Object.fromEntries(['/admin', '/health', '/erp', '/oauth', '/openapi'].map((p) => [p, 'http://127.0.0.1:8750'])),
  },
  build: {
    target: 'es2020',
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      output: {
        // the framework in one stable chunk; Element Plus components land in the chunk of the page that uses
        // them (or a shared chunk when several pages do): every page is its own chunk (lazy routes)
        codeSplitting: {
          groups: [
            { name: 'vue', test: /node_modules[\\/](@vue|vue|vue-router|pinia|vue-i18n|@intlify)[\\/]/, priority: 2 },
          ],
        },
      },
    },
  },
})

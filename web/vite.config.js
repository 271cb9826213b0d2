// The UI is built into api/static/ui (served by `cmdb serve` under /ui/, index.html at /).
// `make` runs this build; nothing is fetched at run time (no CDN).
import { defineConfig } from "vite";

export default defineConfig({
  root: ".",
  base: "/ui/",
  build: {
    outDir: "../api/static/ui",
    emptyOutDir: true,
    assetsDir: "assets",
    chunkSizeWarningLimit: 2000,
  },
});

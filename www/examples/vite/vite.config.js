import { defineConfig } from "vite";

// Served by the demo backend under /examples/vite/.
export default defineConfig({ base: "/examples/vite/", build: { emptyOutDir: true } });

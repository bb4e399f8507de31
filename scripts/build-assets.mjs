// Copies the front-end libraries installed by npm into vcnet/static/vendor/.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const vendor = join(root, "vcnet", "core", "static", "vendor");
const files = {
  "htmx.org/dist/htmx.min.js": "htmx.min.js",
  "chart.js/dist/chart.umd.min.js": "chart.umd.min.js",
  // collectstatic's manifest storage follows the sourceMappingURL comment: ship the map too.
  "chart.js/dist/chart.umd.min.js.map": "chart.umd.min.js.map",
};

mkdirSync(vendor, { recursive: true });
for (const [source, target] of Object.entries(files)) {
  copyFileSync(join(root, "node_modules", source), join(vendor, target));
  console.log(`assets: ${source} -> vcnet/core/static/vendor/${target}`);
}

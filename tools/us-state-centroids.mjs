#!/usr/bin/env node
// Writes scenarios/data/us_states_centroids.csv: one row per state of
// scenarios/data/us_states.csv (same order, same names), columns
//
//   id   state name, exactly as in us_states.csv and spid_sample.csv
//   lon  longitude of the state's centroid, degrees (WGS84)
//   lat  latitude of the state's centroid, degrees
//   x    the centroid projected with d3.geoAlbersUsa().scale(1300).translate([487.5, 305]),
//        the projection of us-atlas's own *-albers-10m.json files: pixels of a 975 x 610
//        viewport, west to east
//   y    610 minus the projected pixel row, so that larger y is further north
//
// The centroid is d3.geoCentroid, the spherical (area-weighted) centroid of the
// state's polygons in us-atlas's states-10m.json: US Census Bureau cartographic
// boundary files, 2017 edition, as TopoJSON (us-atlas, ISC licence). geoAlbersUsa
// is a composite conic equal-area projection that moves Alaska (shrunk to 0.35 of
// the scale) and Hawaii into insets south-west of the lower 48; in the lower 48
// one unit is about 6371 km / 1300 = 4.9 km.
//
// Run it from a scratch folder holding the pinned packages (nothing is installed
// into the repository):
//
//   cd "$(mktemp -d)"
//   npm install --no-save us-atlas@3.0.1 topojson-client@3.1.0 d3-geo@3.1.2 d3-array@3.2.5
//   node /path/to/policysim/tools/us-state-centroids.mjs
//
// It resolves the packages from the current folder and writes the CSV next to the
// other data of the repository this script lives in. The output is deterministic.
// Then run `python3 tools/prepare-data.py` to copy x, y into us_states_nodes.csv.

import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const HEIGHT = 610; // us-atlas's viewport: 975 x 610
const PINNED = { "us-atlas": "3.0.1", "topojson-client": "3.1.0", "d3-geo": "3.1.2", "d3-array": "3.2.5" };
const require = createRequire(resolve("package.json")); // resolve from the current folder

// Refuse other versions than the pinned ones, so that the output is reproducible.
for (const [name, want] of Object.entries(PINNED)) {
  const file = resolve("node_modules", name, "package.json");
  let got;
  try {
    got = JSON.parse(readFileSync(file, "utf8")).version;
  } catch {
    throw new Error(`${file} not found: run this from the folder where the packages are installed`);
  }
  if (got !== want) throw new Error(`${name} ${got} installed, expected ${want}`);
}
const topojson = require("topojson-client");
const d3 = await import(pathToFileURL(require.resolve("d3-geo")).href);
const us = JSON.parse(readFileSync(require.resolve("us-atlas/states-10m.json"), "utf8"));

const data = join(dirname(fileURLToPath(import.meta.url)), "..", "scenarios", "data");

// The 50 states, in the order of us_states.csv (first column `unit`).
const lines = readFileSync(join(data, "us_states.csv"), "utf8").trim().split(/\r?\n/);
if (lines[0].split(",")[0] !== "unit") throw new Error("us_states.csv: expected a `unit` column first");
const names = lines.slice(1).map((l) => l.split(",")[0]);

const features = new Map(
  topojson.feature(us, us.objects.states).features.map((f) => [f.properties.name, f]),
);
const projection = d3.geoAlbersUsa().scale(1300).translate([487.5, HEIGHT / 2]);

const rows = ["id,lon,lat,x,y"];
for (const name of names) {
  const f = features.get(name);
  if (!f) throw new Error(`us-atlas has no state named ${JSON.stringify(name)}`);
  const [lon, lat] = d3.geoCentroid(f);
  const p = projection([lon, lat]);
  if (!p) throw new Error(`${name}: centroid ${lon}, ${lat} falls outside geoAlbersUsa`);
  const [x, py] = p;
  rows.push([name, lon.toFixed(4), lat.toFixed(4), x.toFixed(2), (HEIGHT - py).toFixed(2)].join(","));
}

const out = join(data, "us_states_centroids.csv");
writeFileSync(out, rows.join("\n") + "\n");
const pins = Object.entries(PINNED).map(([n, v]) => `${n}@${v}`).join(", ");
console.log(`wrote scenarios/data/us_states_centroids.csv: ${names.length} rows (${pins})`);

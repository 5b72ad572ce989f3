#!/usr/bin/env python3
"""Derive the network files of scenarios/us_states.toml and scenarios/china_cities.toml.

Reads the copies of the shared data in scenarios/data/ and writes, next to them:

- us_states_nodes.csv      id (state name), name (the USPS two-letter code, the map's
                           label), region (Census region), x, y (the state's
                           centroid in the geoAlbersUsa projection, north up: a copy of
                           x, y of us_states_centroids.csv, written by
                           tools/us-state-centroids.mjs)
- us_states_edges.csv      source,target: shared land borders (a copy of us_states_contiguity.csv)
- china_cities_nodes.csv   id (admin code), name, region (east/central/west belt),
                           province (text, ignored by policysim), x = longitude,
                           y = latitude, population, gdp, gdp_per_person (the
                           scenario rank-scales it itself: resources = { from =
                           "gdp_per_person", normalise = "rank" })
- china_cities_edges.csv   source,target: each city linked to its K nearest cities by
                           great-circle distance, plus every pair of cities of the same
                           province (each undirected pair written once)

Standard library only; the output is deterministic. Run from the repository root:

    python3 tools/prepare-data.py
"""

import csv
import math
import os

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scenarios", "data")
K = 5  # nearest neighbours per city (great-circle distance)
EARTH_RADIUS_KM = 6371.0


def read(name):
    with open(os.path.join(DATA, name), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def write(name, header, rows):
    with open(os.path.join(DATA, name), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    print(f"wrote scenarios/data/{name}: {len(rows)} rows")


def great_circle_km(lon1, lat1, lon2, lat2):
    """Haversine distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


# The USPS two-letter state abbreviations (USPS Publication 28, Appendix B; the same
# codes as ANSI INCITS 38 / the former FIPS 5-2).
POSTAL = {
    "Alabama": "AL", "Alaska": "AK", "Arizona": "AZ", "Arkansas": "AR", "California": "CA",
    "Colorado": "CO", "Connecticut": "CT", "Delaware": "DE", "Florida": "FL", "Georgia": "GA",
    "Hawaii": "HI", "Idaho": "ID", "Illinois": "IL", "Indiana": "IN", "Iowa": "IA",
    "Kansas": "KS", "Kentucky": "KY", "Louisiana": "LA", "Maine": "ME", "Maryland": "MD",
    "Massachusetts": "MA", "Michigan": "MI", "Minnesota": "MN", "Mississippi": "MS",
    "Missouri": "MO", "Montana": "MT", "Nebraska": "NE", "Nevada": "NV", "New Hampshire": "NH",
    "New Jersey": "NJ", "New Mexico": "NM", "New York": "NY", "North Carolina": "NC",
    "North Dakota": "ND", "Ohio": "OH", "Oklahoma": "OK", "Oregon": "OR", "Pennsylvania": "PA",
    "Rhode Island": "RI", "South Carolina": "SC", "South Dakota": "SD", "Tennessee": "TN",
    "Texas": "TX", "Utah": "UT", "Vermont": "VT", "Virginia": "VA", "Washington": "WA",
    "West Virginia": "WV", "Wisconsin": "WI", "Wyoming": "WY",
}


def us_states():
    states = read("us_states.csv")
    centroids = {c["id"]: c for c in read("us_states_centroids.csv")}
    names = [s["unit"] for s in states]
    if sorted(centroids) != sorted(names):
        raise SystemExit("us_states_centroids.csv does not list exactly the states of us_states.csv")
    if sorted(POSTAL) != sorted(names):
        raise SystemExit("POSTAL does not list exactly the states of us_states.csv")
    rows = [[s["unit"], POSTAL[s["unit"]], s["region"], centroids[s["unit"]]["x"],
             centroids[s["unit"]]["y"]]
            for s in states]
    write("us_states_nodes.csv", ["id", "name", "region", "x", "y"], rows)
    edges = read("us_states_contiguity.csv")
    write("us_states_edges.csv", ["source", "target"], [[e["source"], e["target"]] for e in edges])


def china_cities():
    cities = read("china_cities.csv")
    n = len(cities)
    lon = [float(c["lon"]) for c in cities]
    lat = [float(c["lat"]) for c in cities]
    # population in 10,000 persons, gdp in 100 million CNY -> CNY 10,000 per person
    gpp = [float(c["gdp"]) / float(c["population"]) for c in cities]
    rows = []
    for c, g in zip(cities, gpp):
        rows.append([c["code"], c["name"], c["region"], c["province"], c["lon"], c["lat"],
                     c["population"], c["gdp"], f"{g:.4f}"])
    write("china_cities_nodes.csv",
          ["id", "name", "region", "province", "x", "y", "population", "gdp",
           "gdp_per_person"], rows)
    pairs = set()
    for i in range(n):
        d = sorted((great_circle_km(lon[i], lat[i], lon[j], lat[j]), j) for j in range(n) if j != i)
        for _, j in d[:K]:
            pairs.add((min(i, j), max(i, j)))
    for i in range(n):
        for j in range(i + 1, n):
            if cities[i]["province"] == cities[j]["province"]:
                pairs.add((i, j))
    edges = [[cities[i]["code"], cities[j]["code"]] for i, j in sorted(pairs)]
    write("china_cities_edges.csv", ["source", "target"], edges)


if __name__ == "__main__":
    us_states()
    china_cities()

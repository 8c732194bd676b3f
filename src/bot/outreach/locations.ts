/**
 * The places an invite can point at: a city, or a district within it.
 *
 * Codes match the questionnaire's a_city and a_district options (questionnaire outline §2).
 * The position of each entry in LOCATIONS is part of the signed invite format (one character
 * per location), so entries are only ever appended: reordering or removing one would make
 * printed QR codes resolve to another place.
 */

export const CITIES = ["almaty", "astana", "shymkent"] as const;
export type City = (typeof CITIES)[number];

export const DISTRICTS_BY_CITY = {
  almaty: ["alm_alatau", "alm_almaly", "alm_auezov", "alm_bostandyk", "alm_medeu", "alm_nauryzbay", "alm_turksib", "alm_zhetysu"],
  astana: ["ast_almaty", "ast_baikonyr", "ast_esil", "ast_saryarka"],
  shymkent: ["shy_abay", "shy_al_farabi", "shy_enbekshi", "shy_karatau"],
} as const satisfies Record<City, readonly string[]>;

export type District = (typeof DISTRICTS_BY_CITY)[City][number];

export interface Location {
  city: City;
  district?: District | undefined;
}

/** Append-only: an entry's index is what a payload carries. */
export const LOCATIONS: readonly Location[] = [
  { city: "almaty" },
  { city: "astana" },
  { city: "shymkent" },
  ...CITIES.flatMap((city) => DISTRICTS_BY_CITY[city].map((district): Location => ({ city, district }))),
];

export function isCity(value: unknown): value is City {
  return typeof value === "string" && (CITIES as readonly string[]).includes(value);
}

export function districtsOf(city: City): readonly District[] {
  return DISTRICTS_BY_CITY[city];
}

export function isDistrictOf(city: City, value: unknown): value is District {
  return typeof value === "string" && (DISTRICTS_BY_CITY[city] as readonly string[]).includes(value);
}

/** The index of a city/district pair in LOCATIONS, or undefined when the district is not in that city. */
export function locationIndex(location: Location): number | undefined {
  const index = LOCATIONS.findIndex((l) => l.city === location.city && l.district === location.district);
  return index === -1 ? undefined : index;
}

/** The three-letter city tag used in campaign codes people type. */
export const CITY_TAG: Record<City, string> = { almaty: "ALA", astana: "AST", shymkent: "SHY" };

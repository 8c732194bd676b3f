/**
 * Which kinds of help each study city has, and which are missing.
 *
 * "Covered" means what a respondent would be shown: the city's own entries or national ones
 * (for consulates: any citizenship's office in the city or the embassy). A kind of help that is
 * neither covered nor listed among the directory's gaps is a problem for `npm run directory --
 * check`: either someone forgot it, or nobody has written down that none is known.
 */
import type { Directory } from "./directory.ts";
import { CATEGORIES, PER_CITIZENSHIP_CATEGORY, SERVICE_CITIES, type Category, type ServiceCity } from "./schema.ts";
import type { Problem } from "./validate.ts";

export interface CityCategory {
  city: ServiceCity;
  category: Category;
}

/** Whether a person in `city` would be shown anything for `category` (for consulates: for some citizenship). */
export function isCovered(directory: Directory, city: ServiceCity, category: Category): boolean {
  if (category === PER_CITIZENSHIP_CATEGORY) {
    return directory.entries.some((entry) => entry.categories.includes(category) && (entry.city === city || entry.city === "national"));
  }
  return directory.forCity(city, category).length > 0;
}

/** City and category pairs with nothing of the city's own, as the README's "Known limits" lists them. */
export function missingLocally(directory: Directory): CityCategory[] {
  return SERVICE_CITIES.flatMap((city) =>
    CATEGORIES.filter((category) => !directory.entries.some((entry) => entry.city === city && entry.categories.includes(category))).map((category) => ({
      city,
      category,
    })),
  );
}

/** Every city and category neither covered nor written down as a known gap. */
export function coverageProblems(directory: Directory): Problem[] {
  const declared = (city: ServiceCity, category: Category) =>
    directory.gaps.some((gap) => gap.category === category && (gap.city === city || gap.city === "national"));
  return SERVICE_CITIES.flatMap((city) =>
    CATEGORIES.filter((category) => !isCovered(directory, city, category) && !declared(city, category)).map((category) => ({
      path: `(coverage) ${city}, ${category}`,
      message: `nothing for ${city} or the whole country; add an entry, or a row on the "gaps" sheet (gaps in JSON) saying none is known`,
    })),
  );
}
